"""The auditor's page: auditors search the log; nobody else gets the page or its callback."""

from __future__ import annotations

from datetime import date, timedelta

from tests.integration.test_access_rules import page_route


def search(client, username: str = ""):
    today = date.today()
    return client.post("/_dash-update-component", json={
        "output": "audit-results.children", "outputs": {"id": "audit-results", "property": "children"},
        "inputs": [{"id": "audit-search", "property": "n_clicks", "value": 1}],
        "changedPropIds": ["audit-search.n_clicks"],
        "state": [{"id": "audit-username", "property": "value", "value": username},
                  {"id": "audit-action", "property": "value", "value": "login"},
                  {"id": "audit-period", "property": "start_date", "value": (today - timedelta(days=1)).isoformat()},
                  {"id": "audit-period", "property": "end_date", "value": today.isoformat()},
                  {"id": "app-lang", "property": "data", "value": "zh"}]})


def test_auditor_finds_sign_ins(client_as, web_users) -> None:
    client_as("leader")  # makes sure a sign-in of acl-leader is in the log
    response = search(client_as("auditor"), web_users["leader"])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "audit-table" in body and web_users["leader"] in body and "login" in body


def test_other_roles_get_neither_page_nor_results(client_as, web_users) -> None:
    for role in ("leader", "planner", "sysadmin", "kiosk"):
        client = client_as(role)
        page = client.post("/_dash-update-component", json=page_route("/audit"))
        assert "app-forbidden" in page.get_data(as_text=True) or page.status_code == 403, role
        assert search(client, web_users["leader"]).status_code == 403, role
