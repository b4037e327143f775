"""审计日志 — the auditor's search over the audit log (who, when, what, from where, result)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import dash
from dash import Input, Output, State, dcc, html

from cockpit import auth
from cockpit.i18n import t
from geodata.errors import CockpitError
from twin.auth import Permission, search_audit

dash.register_page(__name__, path="/audit", name="审计日志", name_en="Audit log",
                   title="审计日志 · 新昌县数字孪生驾驶舱", order=90,
                   permission=Permission.AUDIT_READ)

PREFIX = "audit"
PAGE_SIZE = 100
ACTIONS = ("login", "logout", "token", "unmask", "user.create", "totp.set", "audit.search", "export", "import")
COLUMNS = ("at", "username", "role", "action", "object", "outcome", "client_ip", "detail")


def layout(lang: str | None = None, **_query: str) -> html.Div:
    today = date.today()
    return html.Div([
        html.Header([html.H1(t("audit.title", lang))], className="cockpit-header"),
        html.Form([
            html.Label([t("audit.username", lang), dcc.Input(id=f"{PREFIX}-username", type="text", debounce=True)]),
            html.Label([t("audit.action", lang), dcc.Dropdown(
                id=f"{PREFIX}-action", options=[{"label": a, "value": a} for a in ACTIONS], clearable=True)]),
            html.Label([t("audit.period", lang), dcc.DatePickerRange(
                id=f"{PREFIX}-period", start_date=(today - timedelta(days=30)).isoformat(), end_date=today.isoformat(),
                display_format="YYYY-MM-DD")]),
            html.Button(t("audit.search", lang), id=f"{PREFIX}-search", type="button", className="map-button-wide"),
        ], className="audit-filters", id=f"{PREFIX}-form"),
        dcc.Loading(html.Div(id=f"{PREFIX}-results", className="audit-results"), type="dot"),
    ], className="page audit-page")


@dash.callback(
    Output(f"{PREFIX}-results", "children"),
    Input(f"{PREFIX}-search", "n_clicks"),
    State(f"{PREFIX}-username", "value"), State(f"{PREFIX}-action", "value"),
    State(f"{PREFIX}-period", "start_date"), State(f"{PREFIX}-period", "end_date"),
    State("app-lang", "data"),
)
def run_search(_clicks: int | None, username: str | None, action: str | None, start: str | None,
               end: str | None, lang: str | None) -> Any:
    try:
        rows = search_audit(
            auth.current_principal(), username=(username or "").strip() or None, action=action or None,
            since=_day(start, time.min), until=_day(end, time.max), limit=PAGE_SIZE,
            client_ip=auth.client_ip(),
        )
    except CockpitError as exc:
        return html.P(exc.user_message, className="error")
    if not rows:
        return html.P(t("audit.empty", lang), className="hint")
    return html.Table([
        html.Thead(html.Tr([html.Th(t(f"audit.col.{c}", lang)) for c in COLUMNS])),
        html.Tbody([html.Tr([html.Td(_cell(row, c)) for c in COLUMNS]) for row in rows]),
    ], className="audit-table", id=f"{PREFIX}-table")


def _day(value: str | None, clock: time) -> datetime | None:
    if not value:
        return None
    return datetime.combine(date.fromisoformat(value[:10]), clock, tzinfo=UTC)


def _cell(row: dict[str, Any], column: str) -> str:
    # Text children only: Dash renders them as text nodes, so logged values are never parsed as HTML.
    if column == "object":
        return " ".join(str(row.get(k) or "") for k in ("object_type", "object_id")).strip()
    if column == "at":
        return row["at"].isoformat(timespec="seconds") if row.get("at") else ""
    value = row.get(column)
    return "" if value is None else str(value)
