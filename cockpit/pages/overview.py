"""驾驶舱总览 — the overview page (placeholder until the big-screen issue lands)."""

from __future__ import annotations

import dash
from dash import html

from cockpit.i18n import t
from twin.overview import county_summary

dash.register_page(__name__, path="/", name="驾驶舱总览", title="新昌县数字孪生指挥驾驶舱", order=0)

PREFIX = "overview"


def layout(lang: str | None = None, **_query: str) -> html.Div:
    summary = county_summary()
    header = html.Header(
        [html.H1(t("app.title", lang)), html.Span(t("data.synthetic", lang), className="badge-synthetic")],
        className="cockpit-header",
    )
    if summary.empty:
        return html.Div([header, html.P(t("empty.no_data", lang), id=f"{PREFIX}-empty")], className="page")
    cards = [
        html.Div([html.Div(f"{getattr(summary, key):,}", className="kpi-value"),
                  html.Div(t(f"summary.{key}", lang), className="kpi-label")],
                 className="kpi-card", id=f"{PREFIX}-card-{key}")
        for key in ("townships", "villages", "grid_cells", "residents", "households", "enterprises",
                    "addresses", "sensors")
    ]
    return html.Div([header, html.Div(cards, className="kpi-grid")], className="page")
