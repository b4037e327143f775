"""UI strings: Simplified Chinese by default, English available (?lang=en)."""

from __future__ import annotations

from typing import Literal

from flask import Response, has_request_context, request

Lang = Literal["zh", "en"]
DEFAULT_LANG: Lang = "zh"
LANG_COOKIE = "cockpit_lang"  # the reader's choice, remembered across pages (not a secret: readable by JS)

STRINGS: dict[str, dict[Lang, str]] = {
    "app.title": {"zh": "新昌县数字孪生指挥驾驶舱", "en": "Xinchang County Digital-Twin Command Cockpit"},
    "overview.title": {"zh": "驾驶舱总览", "en": "Overview"},
    "data.synthetic": {"zh": "模拟数据", "en": "synthetic data"},
    "data.real": {"zh": "真实数据", "en": "real data"},
    "summary.townships": {"zh": "乡镇街道", "en": "Townships"},
    "summary.villages": {"zh": "村社区", "en": "Villages/communities"},
    "summary.grid_cells": {"zh": "网格", "en": "Grid cells"},
    "summary.residents": {"zh": "常住人口", "en": "Residents"},
    "summary.households": {"zh": "户数", "en": "Households"},
    "summary.enterprises": {"zh": "企业", "en": "Enterprises"},
    "summary.addresses": {"zh": "标准地址", "en": "Standard addresses"},
    "summary.sensors": {"zh": "感知设备", "en": "Sensors"},
    "empty.no_data": {
        "zh": "数据库中还没有数据。请运行 python app.py demo load 载入演示县数据。",
        "en": "The database holds no data yet. Run python app.py demo load to load the demo county.",
    },
    "map.title": {"zh": "县域一张图", "en": "County map"},
    "map.reset": {"zh": "复位视角（指北）", "en": "Reset view (north up)"},
    "map.layers": {"zh": "图层", "en": "Layers"},
    "map.flat_only": {"zh": "（2D）", "en": " (2D)"},
    "map.legend": {"zh": "图例", "en": "Legend"},
    "map.selected": {"zh": "选中", "en": "Selected"},
    "map.click_hint": {"zh": "点击地图上的村社区查看详情", "en": "Click a village on the map for details"},
    "card.code": {"zh": "代码", "en": "Code"},
    "card.parent": {"zh": "所属", "en": "Part of"},
    "card.area": {"zh": "面积", "en": "Area"},
    "card.residents": {"zh": "常住人口", "en": "Residents"},
    "card.households": {"zh": "户数", "en": "Households"},
    "card.grid_cells": {"zh": "网格数", "en": "Grid cells"},
    "audit.title": {"zh": "审计日志", "en": "Audit log"},
    "audit.username": {"zh": "用户名", "en": "Username"},
    "audit.action": {"zh": "操作", "en": "Action"},
    "audit.period": {"zh": "时间范围", "en": "Period"},
    "audit.search": {"zh": "查询", "en": "Search"},
    "audit.empty": {"zh": "没有符合条件的记录。", "en": "No entries match."},
    "audit.col.at": {"zh": "时间", "en": "Time"},
    "audit.col.username": {"zh": "用户", "en": "User"},
    "audit.col.role": {"zh": "角色", "en": "Role"},
    "audit.col.action": {"zh": "操作", "en": "Action"},
    "audit.col.object": {"zh": "对象", "en": "Object"},
    "audit.col.outcome": {"zh": "结果", "en": "Result"},
    "audit.col.client_ip": {"zh": "来源地址", "en": "From"},
    "audit.col.detail": {"zh": "详情", "en": "Detail"},
    "error.db": {"zh": "数据库暂时不可用，正在重试…", "en": "The database is unavailable; retrying…"},
    # sign-in (cockpit/api/login.py) and error pages (cockpit/api/errors.py)
    "login.heading": {"zh": "登录", "en": "Sign in"},
    "login.username": {"zh": "用户名", "en": "Username"},
    "login.password": {"zh": "密码", "en": "Password"},
    "login.totp": {"zh": "动态验证码（6 位）", "en": "Authenticator code (6 digits)"},
    "login.submit": {"zh": "登录", "en": "Sign in"},
    "login.other_lang": {"zh": "English", "en": "中文"},
    "login.failed": {"zh": "用户名或密码错误。", "en": "Wrong username or password."},
    "login.missing": {"zh": "请输入用户名和密码。", "en": "Enter your username and password."},
    "login.totp_needed": {"zh": "此账户需要动态验证码：请再次输入密码并填写验证码。",
                          "en": "This account needs an authenticator code: enter your password again and the code."},
    "login.locked": {"zh": "登录失败次数过多，账户已被暂时锁定，请稍后再试或联系管理员。",
                     "en": "Too many failed sign-ins: the account is locked for a while. Try later or ask an "
                           "administrator."},
    "login.rate": {"zh": "尝试过于频繁，请 {s} 秒后再试。", "en": "Too many attempts. Try again in {s} s."},
    "login.csrf": {"zh": "表单已过期，请重新输入后提交。", "en": "The form expired. Enter your details again."},
    "login.expired": {"zh": "会话已超时，请重新登录。", "en": "Your session timed out. Please sign in again."},
    "login.signed_out": {"zh": "您已退出登录。", "en": "You have signed out."},
    "nav.logout": {"zh": "退出", "en": "Sign out"},
    "nav.other_lang": {"zh": "English", "en": "中文"},
    "app.short_title": {"zh": "新昌数字孪生", "en": "Xinchang Twin"},
    "error.title": {"zh": "出错了", "en": "Something went wrong"},
    "error.back": {"zh": "返回首页", "en": "Back to the cockpit"},
    "error.bad_request": {"zh": "请求无效。", "en": "The request is not valid."},
    "error.forbidden": {"zh": "没有访问权限。", "en": "You are not allowed to see this."},
    "error.not_found": {"zh": "页面不存在。", "en": "There is no such page."},
    "error.method": {"zh": "不支持此请求方式。", "en": "This request method is not supported here."},
    "error.too_large": {"zh": "上传内容过大（上限 {mb} MB）。", "en": "The upload is too large (limit {mb} MB)."},
    "error.rate_limited": {"zh": "请求过于频繁，请稍后再试。", "en": "Too many requests; try again shortly."},
    "error.internal": {"zh": "服务器内部错误，已记录，请稍后再试。",
                       "en": "Internal error. It has been logged; please try again later."},
    "error.callback": {"zh": "操作未完成，请稍后再试。", "en": "That did not work; please try again."},
}


def register(strings: dict[str, dict[Lang, str]]) -> None:
    """A page module adds its own strings at import; a key may be defined once only."""
    clash = sorted(set(strings) & set(STRINGS))
    if clash:
        raise ValueError(f"UI string keys defined twice: {clash}")
    STRINGS.update(strings)


def lang_of(value: str | None) -> Lang:
    """An explicit choice wins; otherwise the request's ?lang=, then the remembered cookie, then Chinese."""
    if value in ("zh", "en"):
        return value  # type: ignore[return-value]
    if has_request_context():
        asked = request.args.get("lang") or request.cookies.get(LANG_COOKIE)
        if asked == "en":
            return "en"
    return DEFAULT_LANG


def remember_lang(response: Response) -> Response:
    """after_request: a page opened with ?lang= keeps that language for the following pages."""
    asked = request.args.get("lang")
    if asked in ("zh", "en") and request.method == "GET" and request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, max_age=365 * 24 * 3600, samesite="Lax", path="/")
    return response


def t(key: str, lang: str | None = None) -> str:
    entry = STRINGS.get(key)
    if entry is None:
        return key
    return entry[lang_of(lang)]
