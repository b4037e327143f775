"""居民查询 — the resident registry: masked lists by village or ID number, a card, unmask with a reason.

Everything shown is masked (张*, 330624********1234, 138****5678) unless the user states a reason and holds
personal.unmask; twin.people decides, audits and limits to the user's jurisdiction. Values are placed as
text children, so a name containing markup shows as text.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import ALL, Input, Output, State, ctx, dcc, html

from cockpit import auth
from cockpit.i18n import register, t
from geodata.errors import CockpitError
from twin.auth import Permission
from twin.people import ResidentQuery, UnmaskRequest, resident_card, search_residents, villages_for

dash.register_page(__name__, path="/people", name="居民查询", name_en="Residents",
                   title="居民查询 · 新昌县数字孪生驾驶舱", order=40,
                   permission=Permission.PERSONAL_MASKED)

register({
    "people.title": {"zh": "居民查询", "en": "Residents"},
    "people.village": {"zh": "村（社区）", "en": "Village / community"},
    "people.village.any": {"zh": "全部", "en": "All"},
    "people.id_number": {"zh": "身份证号（精确查找）", "en": "ID number (exact)"},
    "people.search": {"zh": "查询", "en": "Search"},
    "people.empty": {"zh": "没有符合条件的居民。", "en": "No residents match."},
    "people.page": {"zh": "第 {first}–{last} 条，共 {total} 条", "en": "{first}–{last} of {total}"},
    "people.prev": {"zh": "上一页", "en": "Previous"},
    "people.next": {"zh": "下一页", "en": "Next"},
    "people.open": {"zh": "详情", "en": "Details"},
    "people.card.title": {"zh": "居民信息", "en": "Resident"},
    "people.card.empty": {"zh": "点“详情”查看一位居民。", "en": "Choose “Details” to see a resident."},
    "people.reason": {"zh": "查看原因（将记入审计日志）", "en": "Reason (goes into the audit log)"},
    "people.unmask": {"zh": "查看完整信息", "en": "Show unmasked"},
    "people.unmasked": {"zh": "已显示完整信息，本次查看已记入审计日志。",
                        "en": "Unmasked; this view has been recorded in the audit log."},
    "people.col.name": {"zh": "姓名", "en": "Name"},
    "people.col.gender": {"zh": "性别", "en": "Sex"},
    "people.col.birth_year": {"zh": "出生年", "en": "Born"},
    "people.col.relation": {"zh": "与户主关系", "en": "Relation"},
    "people.col.id_number": {"zh": "身份证号", "en": "ID number"},
    "people.col.phone": {"zh": "手机", "en": "Mobile"},
    "people.col.address": {"zh": "地址", "en": "Address"},
    "people.col.grid_code": {"zh": "网格", "en": "Grid cell"},
    "people.col.tags": {"zh": "关注标签", "en": "Care tags"},
    "people.gender.M": {"zh": "男", "en": "M"},
    "people.gender.F": {"zh": "女", "en": "F"},
    "people.tag.elderly_alone": {"zh": "独居老人", "en": "Elderly living alone"},
    "people.tag.disabled": {"zh": "残疾人", "en": "Disabled"},
    "people.tag.key_care": {"zh": "重点关爱", "en": "Key care"},
    "people.tag.low_income": {"zh": "低保", "en": "Low income"},
})

PREFIX = "people"
PAGE_SIZE = 50
COLUMNS = ("name", "gender", "birth_year", "relation", "id_number", "phone", "address", "grid_code")
CARD_FIELDS = ("name", "id_number", "phone", "gender", "birth_year", "relation", "address", "grid_code", "tags")


def layout(lang: str | None = None, **_query: str) -> html.Div:
    principal = auth.current_principal()
    villages = villages_for(principal) if principal else []
    options = [{"label": f"{v['town_name']} · {v['name']}", "value": v["code"]} for v in villages]
    return html.Div([
        html.Header([html.H1(t("people.title", lang)),
                     html.Span(t("data.synthetic", lang), className="badge-synthetic")], className="cockpit-header"),
        html.Div([
            html.Label([t("people.village", lang), dcc.Dropdown(
                id=f"{PREFIX}-village", options=options, value=options[0]["value"] if options else None,
                clearable=True, placeholder=t("people.village.any", lang))], className="people-village"),
            html.Label([t("people.id_number", lang), dcc.Input(
                id=f"{PREFIX}-id-number", type="text", maxLength=18, autoComplete="off", debounce=True)]),
            html.Button(t("people.search", lang), id=f"{PREFIX}-search", type="button", className="map-button-wide"),
        ], className="audit-filters"),
        dcc.Store(id=f"{PREFIX}-offset", data=0),
        html.Div([
            dcc.Loading(html.Div(id=f"{PREFIX}-results", className="audit-results"), type="dot"),
            html.Aside([
                html.Div(html.P(t("people.card.empty", lang), className="hint"), id=f"{PREFIX}-card"),
                dcc.Store(id=f"{PREFIX}-card-id"),
                html.Div([
                    html.Label([t("people.reason", lang), dcc.Input(id=f"{PREFIX}-reason", type="text",
                                                                    maxLength=500, value="")]),
                    html.Button(t("people.unmask", lang), id=f"{PREFIX}-unmask", type="button",
                                className="map-button-wide"),
                ], id=f"{PREFIX}-unmask-box", className="people-unmask", hidden=True),
            ], className="people-card"),
        ], className="people-body"),
        html.Div([
            html.Button(t("people.prev", lang), id=f"{PREFIX}-prev", type="button", className="map-button-wide"),
            html.Span(id=f"{PREFIX}-page-info"),
            html.Button(t("people.next", lang), id=f"{PREFIX}-next", type="button", className="map-button-wide"),
        ], className="people-pager"),
    ], className="page audit-page people-page")


@dash.callback(
    Output(f"{PREFIX}-results", "children"), Output(f"{PREFIX}-page-info", "children"),
    Output(f"{PREFIX}-offset", "data"),
    Input(f"{PREFIX}-search", "n_clicks"), Input(f"{PREFIX}-prev", "n_clicks"), Input(f"{PREFIX}-next", "n_clicks"),
    State(f"{PREFIX}-village", "value"), State(f"{PREFIX}-id-number", "value"), State(f"{PREFIX}-offset", "data"),
    State("app-lang", "data"),
)
def run_search(_search: int | None, _prev: int | None, _next: int | None, village: str | None,
               id_number: str | None, offset: int | None, lang: str | None) -> tuple[Any, Any, Any]:
    offset = _next_offset(ctx.triggered_id, int(offset or 0))
    try:
        query = ResidentQuery(village=village or None, id_number=(id_number or "").strip().upper() or None,
                              limit=PAGE_SIZE, offset=offset)
        page = search_residents(auth.require(Permission.PERSONAL_MASKED), query, client_ip=auth.client_ip())
    except CockpitError as exc:
        return html.P(exc.user_message, className="error"), "", 0
    if page["total"] and offset >= page["total"]:
        return dash.no_update, dash.no_update, dash.no_update
    if not page["items"]:
        return html.P(t("people.empty", lang), className="hint"), "", 0
    info = t("people.page", lang).format(first=offset + 1, last=offset + len(page["items"]), total=page["total"])
    return _table(page["items"], lang), info, offset


def _next_offset(trigger: Any, offset: int) -> int:
    if trigger == f"{PREFIX}-next":
        return offset + PAGE_SIZE
    if trigger == f"{PREFIX}-prev":
        return max(0, offset - PAGE_SIZE)
    return 0


def _table(items: list[dict[str, Any]], lang: str | None) -> html.Table:
    return html.Table([
        html.Thead(html.Tr([html.Th(t(f"people.col.{c}", lang)) for c in COLUMNS] + [html.Th("")])),
        html.Tbody([html.Tr([html.Td(_text(row, c, lang)) for c in COLUMNS] + [html.Td(html.Button(
            t("people.open", lang), id={"type": f"{PREFIX}-open", "index": row["id"]}, className="map-button-wide",
            n_clicks=0))]) for row in items]),
    ], className="audit-table", id=f"{PREFIX}-table")


CARD_OUTPUTS = (Output(f"{PREFIX}-card", "children", allow_duplicate=True),
                Output(f"{PREFIX}-card-id", "data", allow_duplicate=True),
                Output(f"{PREFIX}-unmask-box", "hidden", allow_duplicate=True))


@dash.callback(
    *CARD_OUTPUTS,
    Input({"type": f"{PREFIX}-open", "index": ALL}, "n_clicks"),
    State("app-lang", "data"),
    prevent_initial_call=True,
)
def open_card(clicks: list[int | None], lang: str | None) -> Any:
    if not ctx.triggered_id or not any(clicks or []):
        return dash.no_update, dash.no_update, dash.no_update
    return _card(int(ctx.triggered_id["index"]), None, lang)


@dash.callback(
    *CARD_OUTPUTS,
    Input(f"{PREFIX}-unmask", "n_clicks"),
    State(f"{PREFIX}-card-id", "data"), State(f"{PREFIX}-reason", "value"), State("app-lang", "data"),
    prevent_initial_call=True,
)
def unmask(clicks: int | None, resident_id: int | None, reason: str | None, lang: str | None) -> Any:
    if not clicks or resident_id is None:
        return dash.no_update, dash.no_update, dash.no_update
    return _card(int(resident_id), UnmaskRequest(reason=(reason or "")[:500], client_ip=auth.client_ip()), lang)


def _card(resident_id: int, request: UnmaskRequest | None, lang: str | None) -> tuple[Any, Any, bool]:
    principal = auth.require(Permission.PERSONAL_MASKED)
    error = None
    try:
        card = resident_card(principal, resident_id, request, client_ip=auth.client_ip())
    except CockpitError as exc:
        if request is None:
            return html.P(exc.user_message, className="error"), None, True
        error = exc.user_message  # keep the masked card and the typed reason; say what was wrong
        card = resident_card(principal, resident_id, client_ip=auth.client_ip())
    rows = [html.Div([html.Dt(t(f"people.col.{f}", lang)), html.Dd(_text(card, f, lang))]) for f in CARD_FIELDS]
    parts: list[Any] = [html.H2(t("people.card.title", lang)), html.Dl(rows, id=f"{PREFIX}-card-fields")]
    if not card["masked"]:
        parts.append(html.P(t("people.unmasked", lang), className="hint", id=f"{PREFIX}-unmasked"))
    if error:
        parts.append(html.P(error, className="error", role="alert"))
    can_unmask = card["masked"] and principal.can(Permission.PERSONAL_UNMASK)
    return parts, resident_id, not can_unmask


def _text(row: dict[str, Any], field: str, lang: str | None) -> str:
    value = row.get(field)
    if field == "gender":
        return t(f"people.gender.{value}", lang) if value else ""
    if field == "tags":
        return "、".join(t(f"people.tag.{v}", lang) for v in value or [])
    return "" if value is None else str(value)
