"""Signing in and out in a real Chromium, under the app's Content-Security-Policy (violations are console
errors, which fail ``assert_clean``)."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import E2E_PASSWORD

pytestmark = pytest.mark.e2e

VIEWPORT = (1280, 800)


@pytest.fixture
def browser(app_server, browser_factory):
    return browser_factory(app_server.base_url, viewport=VIEWPORT)


def test_a_signed_out_visit_lands_on_the_login_form_and_returns_after_it(browser) -> None:
    browser.goto("/map?mode=2d")
    assert "/login?next=%2Fmap%3Fmode%3D2d" in browser.page.url
    assert browser.page.inner_text("h2") == "登录"
    browser.screenshot("login-form-zh")
    browser.page.fill("#login-username", "e2e-leader")
    browser.page.fill("#login-password", E2E_PASSWORD)
    with browser.page.expect_navigation():
        browser.page.click("#login-submit")
    assert browser.page.url.endswith("/map?mode=2d")
    browser.page.wait_for_selector("#countymap-map-deck canvas", timeout=60_000)
    browser.assert_clean()


def test_a_wrong_password_shows_the_generic_message_and_keeps_the_name(browser) -> None:
    browser.goto("/login?lang=en")
    browser.page.fill("#login-username", "e2e-leader")
    browser.page.fill("#login-password", "not-the-password")
    with browser.page.expect_navigation():
        browser.page.click("#login-submit")
    assert browser.page.inner_text("#login-error") == "Wrong username or password."
    assert browser.page.input_value("#login-username") == "e2e-leader"
    assert browser.page.input_value("#login-password") == ""
    browser.screenshot("login-form-en-failed")
    # the form is styled like the cockpit: the dark page and its accent colour, from local files
    background = browser.page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(5, 11, 24)"
    # the refused sign-in is answered 401; Chromium notes that status in the console, and nothing else
    assert len(browser.console_errors) == 1 and "status of 401" in browser.console_errors[0]
    assert not browser.external_requests


def test_sign_out_from_the_navigation(signed_in) -> None:
    session = signed_in("/", viewport=VIEWPORT)
    session.page.wait_for_selector("#app-user")
    assert session.page.inner_text("#app-user") == "端到端leader"
    with session.page.expect_navigation():
        session.page.click("#app-logout")
    assert "/login" in session.page.url
    assert session.page.inner_text("#login-notice") == "您已退出登录。"
    session.goto("/login")  # still signed out: the form, not a redirect into the cockpit
    assert session.page.locator("#login-form").count() == 1
    session.assert_clean()


def test_an_auditor_sees_no_map_pages(signed_in) -> None:
    session = signed_in("/map", user="e2e-auditor", viewport=VIEWPORT)
    session.page.wait_for_selector("#app-forbidden")
    assert session.page.locator(".app-nav .nav-link[href='/map']").count() == 0
    assert session.page.locator("#countymap-map-deck").count() == 0
    session.assert_clean()


def test_an_ended_session_sends_the_browser_to_sign_in_again(signed_in) -> None:
    session = signed_in("/", viewport=VIEWPORT)
    session.page.wait_for_selector("#app-nav .nav-link[href='/map']")
    session.page.context.clear_cookies()  # as if the session had timed out on the server
    with session.page.expect_navigation(url="**/login?**", timeout=30_000):
        session.page.click("#app-nav .nav-link[href='/map']")  # a page change is a callback: 401
    assert "reason=expired" in session.page.url
    assert session.page.inner_text("#login-notice") == "会话已超时，请重新登录。"
    # the refused callback shows up as a failed request in the console, nothing else does
    assert session.console_errors and all("status of 401" in e for e in session.console_errors), \
        session.console_errors
    assert not session.external_requests
