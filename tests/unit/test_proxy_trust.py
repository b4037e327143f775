from __future__ import annotations

import pytest
from flask import Flask, request

from cockpit.server import trust_proxies


def app_with(hops: int) -> Flask:
    server = Flask(__name__)
    server.add_url_rule("/ip", "ip", lambda: request.remote_addr or "")
    trust_proxies(server, hops)
    return server


@pytest.mark.parametrize(("hops", "expected"), [(0, "127.0.0.1"), (1, "10.20.30.40")])
def test_forwarded_address_is_used_only_behind_a_trusted_proxy(hops: int, expected: str) -> None:
    client = app_with(hops).test_client()
    response = client.get("/ip", headers={"X-Forwarded-For": "10.20.30.40"}, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert response.get_data(as_text=True) == expected


def test_one_trusted_hop_ignores_addresses_a_client_forged_before_it() -> None:
    client = app_with(1).test_client()
    response = client.get("/ip", headers={"X-Forwarded-For": "6.6.6.6, 10.20.30.40"})
    assert response.get_data(as_text=True) == "10.20.30.40"
