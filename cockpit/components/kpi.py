"""A plan-indicator card for the video wall: value, baseline and targets, progress, lead unit, sparkline.

The sparkline is a row of CSS bars rather than a chart: ten of them refresh every few seconds on a wall
computer without a GPU, and they stay sharp at any size."""

from __future__ import annotations

from typing import Any

from dash import html

from cockpit.components.attrs import with_attrs
from cockpit.i18n import t


def fmt(value: float | None, unit: str = "") -> str:
    if value is None:
        return "—"
    text = f"{value:,.0f}" if abs(value) >= 1000 else f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{text}{unit}"


def kpi_card(prefix: str, indicator: dict[str, Any], state: str, lang: str | None) -> html.Div:
    en = lang == "en"
    unit = indicator["unit"]
    progress = indicator.get("progress")
    width = 0 if progress is None else max(0.0, min(1.0, progress)) * 100
    history = [v for _, v in indicator.get("history") or []]
    low, high = (min(history), max(history)) if history else (0.0, 1.0)
    span = (high - low) or 1.0
    bars = [html.Span(style={"height": f"{15 + 85 * (v - low) / span:.0f}%"}) for v in history]
    note = indicator.get("target_note")
    return with_attrs(html.Div([
        html.Div(indicator["name_en"] if en else indicator["name"], className="kpi-name",
                 title=indicator["name_en"] if en else indicator["name"]),
        html.Div([html.Span(fmt(indicator.get("value")), className="kpi-number"),
                  html.Span(unit, className="kpi-unit"),
                  html.Span(t(f"kpi.state.{state}", lang), className="kpi-state")], className="kpi-value-row"),
        html.Div(html.Div(className="kpi-progress-fill", style={"width": f"{width:.0f}%"}),
                 className="kpi-progress", title=t("kpi.progress", lang)),
        html.Div([
            html.Span(f"{t('kpi.baseline', lang)} {fmt(indicator['baseline_2020'])}"),
            html.Span(f"2022 {fmt(indicator['target_2022'])}"),
            html.Span(f"2025 {fmt(indicator['target_2025'])}" + (f" ({note})" if note else "")),
        ], className="kpi-targets"),
        html.Div([html.Div(bars, className="kpi-spark", title=t("kpi.trend", lang)),
                  html.Span(indicator["lead_unit"], className="kpi-lead", title=t("kpi.lead_unit", lang))],
                 className="kpi-foot"),
    ], className=f"kpi-card kpi-{state}", id=f"{prefix}-kpi-{indicator['code']}"), data_state=state)
