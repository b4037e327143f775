"""The panels around the overview map, as pure functions of twin.overview.LiveState → components.

Values go in as text children (React renders text nodes), so nothing from the data is parsed as HTML."""

from __future__ import annotations

import calendar
from datetime import datetime
from typing import Any

from dash import html

from cockpit.components import charts
from cockpit.components.attrs import with_attrs
from cockpit.components.kpi import fmt, kpi_card
from cockpit.i18n import t
from layers.emergency import SEVERITY_COLOURS, WARNING_COLOURS
from twin.overview import LiveState, kpi_state
from twin.readings import CST

CATEGORIES = ("natural_disaster", "accident", "public_health", "social_security")
LEVELS = ("red", "orange", "yellow", "blue")
WIND_POINTS_ZH = ("北", "东北", "东", "东南", "南", "西南", "西", "西北")
WIND_POINTS_EN = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def local(moment: datetime | str | None, pattern: str = "%H:%M") -> str:
    if moment is None:
        return "—"
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.astimezone(CST).strftime(pattern)


def kpis(prefix: str, state: LiveState, lang: str | None) -> list[Any]:
    if not state.indicators:
        return [html.P(t("overview.no_indicators", lang), className="hint")]
    return [kpi_card(prefix, k, kpi_state(k, state.as_of), lang) for k in state.indicators]


def weather(state: LiveState, lang: str | None) -> list[Any]:
    w = state.weather
    if not w:
        return [html.Span(t("overview.no_weather", lang), className="hint")]
    v = {m: x["value"] for m, x in w["values"].items()}
    parts = []
    if "temperature" in v:
        parts.append(html.Span(f"{v['temperature']:.1f}°C", className="ov-temp"))
    if "humidity" in v:
        parts.append(html.Span(f"{t('weather.humidity', lang)} {v['humidity']:.0f}%"))
    if "wind_speed" in v:
        points = WIND_POINTS_EN if lang == "en" else WIND_POINTS_ZH
        direction = points[int(((v.get("wind_dir") or 0) + 22.5) % 360 // 45)]
        parts.append(html.Span(f"{direction}{t('weather.wind', lang)} {v['wind_speed']:.1f} m/s"))
    if "pressure" in v:
        parts.append(html.Span(f"{v['pressure']:.0f} hPa"))
    if v.get("rain"):
        parts.append(html.Span(f"{t('weather.rain', lang)} {v['rain']:.1f} mm"))
    parts.append(html.Span(f"{w['station']['name']} {local(w['observed_at'])}", className="ov-station"))
    return parts


def freshness(state: LiveState, lang: str | None) -> Any:
    stale = [f for f in state.feeds if f["stale"]]
    newest = max((f["newest"] for f in state.feeds if f["newest"] is not None), default=None)
    text = t("overview.updated", lang).format(time=local(newest, "%H:%M:%S"))
    if stale:
        names = "、".join(t(f"feed.{f['kind']}", lang) for f in stale)
        return with_attrs(html.Span(f"{text} · {t('overview.stale', lang)}：{names}", className="ov-fresh stale"),
                          data_stale=str(len(stale)))
    return with_attrs(html.Span(text, className="ov-fresh live"), data_stale="0")


def totals(state: LiveState, lang: str | None) -> list[Any]:
    """County statistics (how many residents, households …), published figures rather than personal data:
    shown to every role that sees the overview, the video-wall kiosk included."""
    s = state.summary
    items = (("residents", s.residents), ("households", s.households), ("enterprises", s.enterprises),
             ("grid_cells", s.grid_cells), ("sensors", s.sensors))
    return [html.Div([html.Span(f"{n:,}", className="ov-big"), html.Span(t(f"summary.{k}", lang))],
                     className="ov-total", id=f"overview-total-{k}") for k, n in items]


def warnings(state: LiveState, lang: str | None) -> list[Any]:
    out = []
    for level in LEVELS:
        counts = state.warnings.get(level, {"areas": 0, "sensors": 0})
        label = WARNING_COLOURS[level][1 if lang == "en" else 0]
        out.append(with_attrs(html.Div([
            html.Span(str(counts["areas"] + counts["sensors"]), className="ov-big"),
            html.Span(label),
        ], className=f"ov-warning ov-warning-{level}", id=f"overview-warning-{level}"),
            data_count=str(counts["areas"] + counts["sensors"])))
    return out


def incidents_figure(state: LiveState, lang: str | None) -> Any:
    by: dict[int, list[int]] = {s: [0] * len(CATEGORIES) for s in SEVERITY_COLOURS}
    for row in state.incidents:
        if row["category"] in CATEGORIES and row["severity"] in by:
            by[row["severity"]][CATEGORIES.index(row["category"])] += row["open"]
    # the short form (Ⅰ级 … / I …) keeps the legend on one line on every screen
    labels = {s: str(v[1] if lang == "en" else v[0]).split()[0] for s, v in SEVERITY_COLOURS.items()}
    return charts.incidents_bar([t(f"incident.{c}", lang) for c in CATEGORIES], by, labels)


def incidents_today(state: LiveState, lang: str | None) -> list[Any]:
    today = sum(r["today"] for r in state.incidents)
    open_ = sum(r["open"] for r in state.incidents)
    return [html.Div([html.Span(str(today), className="ov-big", id="overview-incidents-today-count"),
                      html.Span(t("overview.incidents_today", lang))], className="ov-total"),
            html.Div([html.Span(str(open_), className="ov-big"), html.Span(t("overview.incidents_open", lang))],
                     className="ov-total")]


def events(state: LiveState, lang: str | None) -> list[Any]:
    e = state.events
    rows = (("open", e["open"]), ("overdue", e["overdue"]), ("reported_today", e["reported_today"]),
            ("closed_today", e["closed_today"]))
    return [html.Div([html.Span(f"{n:,}", className="ov-big" + (" ov-bad" if k == "overdue" and n else "")),
                      html.Span(t(f"events.{k}", lang))], className="ov-total", id=f"overview-events-{k}")
            for k, n in rows]


def events_gauge(state: LiveState, lang: str | None) -> Any:
    rate = state.events.get("closure_rate")
    return charts.gauge(None if rate is None else rate * 100, t("events.closure_rate", lang))


def alarms(state: LiveState, lang: str | None) -> list[Any]:
    if not state.alarms:
        return [html.P(t("overview.no_alarms", lang), className="hint", id="overview-no-alarms")]
    return [html.Ul([html.Li([
        html.Span(WARNING_COLOURS[a["level"]][1 if lang == "en" else 0] if a["level"] in WARNING_COLOURS else "",
                  className=f"ov-dot ov-dot-{a['level']}"),
        html.Span(a["name"], className="ov-alarm-name"),
        html.Span(a["message"], className="ov-alarm-msg"),
        html.Span(local(a["issued_at"]), className="ov-alarm-time"),
    ], className="ov-alarm") for a in state.alarms[:8]], className="ov-alarms", id="overview-alarm-list")]


def park(state: LiveState, lang: str | None) -> list[Any]:
    p = state.park
    if not p:
        return [html.P(t("overview.no_park", lang), className="hint")]
    days = _days_in_month(p["month"])
    month = p["month"].strftime("%Y-%m")
    return [
        html.Div([html.Span(fmt(p["output_wan"] / 10_000), className="ov-big"),
                  html.Span(t("park.output", lang).format(month=month))], className="ov-total"),
        html.Div([html.Span(fmt(p["output_wan"] / days), className="ov-big"),
                  html.Span(t("park.output_daily", lang))], className="ov-total"),
        html.Div([html.Span(fmt(p["electricity_kwh"] / days / 10_000), className="ov-big"),
                  html.Span(t("park.electricity_daily", lang))], className="ov-total"),
    ]


def feeds(state: LiveState, lang: str | None) -> list[Any]:
    return [with_attrs(html.Div([
        html.Span(t(f"feed.{f['kind']}", lang), className="ov-feed-name"),
        html.Span(f"{f['count']}", className="ov-feed-count"),
        html.Span(t("overview.feed_stale", lang) if f["stale"] else local(f["newest"], "%H:%M"),
                  className="ov-feed-time"),
        html.Span(f"⚠ {f['alarming']}" if f["alarming"] else "", className="ov-feed-alarm"),
    ], className="ov-feed" + (" stale" if f["stale"] else ""), id=f"overview-feed-{f['kind']}"),
        data_stale="1" if f["stale"] else "0") for f in state.feeds]


def trend_figure(state: LiveState, lang: str | None) -> Any:
    return charts.rain_and_river([(ts.astimezone(CST), v) for ts, v in state.rain],
                                 [(ts.astimezone(CST), v) for ts, v in state.river],
                                 t("trend.rain", lang), t("trend.river", lang))


def _days_in_month(month: Any) -> int:
    return calendar.monthrange(month.year, month.month)[1]
