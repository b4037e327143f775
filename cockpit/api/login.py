"""GET/POST /login and POST /logout: a plain server-rendered form (no Dash, no script), zh by default.

Failures re-render the form with one generic message (never "no such user") and keep the typed username,
never the password. The second factor is asked for only after the server says the account needs it
(SecondFactorRequired); the password is then typed again with the code rather than kept anywhere.
"""

from __future__ import annotations

from flask import Flask, Response, redirect, render_template, request
from flask.typing import ResponseReturnValue

from cockpit import auth, dash_guard, ratelimit
from cockpit.api.errors import safe_next
from cockpit.csrf import CsrfFailed, check_csrf, csrf_token
from cockpit.i18n import lang_of, t
from geodata.errors import AccountLocked, AuthFailed, SecondFactorRequired
from twin.auth import Principal, audit, authenticate

MAX_FIELD = 128


def register(server: Flask, limiter: ratelimit.SlidingWindow) -> None:
    @server.route("/login", methods=["GET", "POST"], endpoint="login")
    def login() -> ResponseReturnValue:
        lang = lang_of(request.values.get("lang"))
        target = safe_next(request.values.get("next"))
        if request.method == "GET":
            if _signed_in():
                return redirect(target, 303)
            notice = {"expired": "login.expired", "signed_out": "login.signed_out"}.get(request.args.get("reason", ""))
            return _form(lang, target, notice=t(notice, lang) if notice else None)
        return _attempt(lang, target, limiter)

    @server.post("/logout", endpoint="logout")
    def logout() -> ResponseReturnValue:
        lang = lang_of(request.values.get("lang"))
        try:
            check_csrf()
        except CsrfFailed:
            return _form(lang, "/", error=t("login.csrf", lang), status=400)
        principal = auth.current_principal()
        if principal is not None:
            audit(principal, "logout", client_ip=auth.client_ip())
        auth.end_session()
        query = "?reason=signed_out" + ("&lang=en" if lang == "en" else "")
        return redirect(f"{request.script_root}/login{query}", 303)


def _landing(principal: Principal, target: str) -> str:
    """Where a plain sign-in goes: the overview, or the first page this user may see (an auditor's log)."""
    if target != "/":
        return target
    pages = dash_guard.visible_pages(principal)
    if not pages or any(p["relative_path"] == "/" for p in pages):
        return target
    return str(pages[0]["relative_path"])


def _signed_in() -> bool:
    try:
        return auth.current_principal() is not None
    except AuthFailed:  # a stale bearer header: show the form rather than bounce back here
        return False


def _attempt(lang: str, target: str, limiter: ratelimit.SlidingWindow) -> ResponseReturnValue:
    username = request.form.get("username", "").strip()[:MAX_FIELD]
    password = request.form.get("password", "")[:MAX_FIELD]
    totp = request.form.get("totp", "").strip()[:16] or None
    try:
        check_csrf()
    except CsrfFailed:
        return _form(lang, target, username=username, error=t("login.csrf", lang), status=400)
    if not username or not password:
        return _form(lang, target, username=username, error=t("login.missing", lang), status=400)
    ip = auth.client_ip()
    try:
        ratelimit.check(limiter, f"login-ip:{ip or 'unknown'}", f"login-user:{username.lower()}")
        principal = authenticate(username, password, totp_code=totp, client_ip=ip)
    except ratelimit.RateLimited as exc:
        response = _form(lang, target, username=username, error=t("login.rate", lang).format(s=exc.retry_after),
                         status=429)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except SecondFactorRequired:
        return _form(lang, target, username=username, need_totp=True, error=t("login.totp_needed", lang),
                     status=401)
    except AccountLocked:
        return _form(lang, target, username=username, error=t("login.locked", lang), status=423)
    except AuthFailed:
        return _form(lang, target, username=username, error=t("login.failed", lang), status=401,
                     need_totp=totp is not None)
    auth.start_session(principal)
    return redirect(_landing(principal, target), 303)


def _form(lang: str, target: str, *, username: str = "", error: str | None = None, notice: str | None = None,
          need_totp: bool = False, status: int = 200) -> Response:
    body = render_template("login.html", lang=lang, t=t, next=target, username=username, error=error,
                           notice=notice, need_totp=need_totp, csrf=csrf_token())
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"  # the form carries a CSRF token
    return response
