"""A small JSON-over-HTTP client for the feed (standard library only), with retries and backoff.

The transport is a plain function, so tests can drive the Flask test client instead of a socket.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# (method, url, headers, body) → (status, body); raises OSError when the server cannot be reached
Transport = Callable[[str, str, dict[str, str], bytes | None], tuple[int, bytes]]
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def urllib_transport(method: str, url: str, headers: dict[str, str], body: bytes | None) -> tuple[int, bytes]:
    request = urllib.request.Request(url, data=body, headers=headers, method=method)  # noqa: S310 - http(s) URL from --url
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return int(response.status), response.read()
    except urllib.error.HTTPError as exc:
        return int(exc.code), exc.read()


class FeedHttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


@dataclass
class Client:
    base_url: str
    transport: Transport = urllib_transport
    token: str | None = None
    sleep: Callable[[float], None] = time.sleep
    log: Callable[[str], None] = print
    max_backoff: float = 60.0
    deadline: Callable[[], bool] = field(default=lambda: False)  # True = give up retrying (time is up)

    def login(self, username: str, password: str, scopes: list[str]) -> None:
        body = self.request("POST", "/api/v1/auth/token", {"username": username, "password": password,
                                                           "scopes": scopes}, auth=False)
        self.token = str(body["access_token"])

    def get(self, path: str) -> Any:
        return self.request("GET", path)

    def post(self, path: str, payload: Any) -> Any:
        return self.request("POST", path, payload)

    def request(self, method: str, path: str, payload: Any = None, *, auth: bool = True) -> Any:
        """The decoded JSON answer. Unreachable server, 429 and 5xx: retried with exponential backoff until
        it answers (or the deadline passes); other 4xx: FeedHttpError at once (retrying would not help)."""
        headers = {"Accept": "application/json"}
        body = None
        if payload is not None:
            body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
            headers["Content-Type"] = "application/json"
        if auth and self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        delay = 1.0
        while True:
            try:
                status, raw = self.transport(method, self.base_url.rstrip("/") + path, headers, body)
            except OSError as exc:
                status, raw, reason = 0, b"", f"unreachable ({exc})"
            else:
                reason = _message(raw)
            if 200 <= status < 300:
                return json.loads(raw or b"null")
            if status and status not in RETRY_STATUSES:
                raise FeedHttpError(status, reason)
            if self.deadline():
                raise FeedHttpError(status, reason)
            self.log(f"feed: {method} {path} failed: {reason}; retrying in {delay:.0f} s")
            self.sleep(delay)
            delay = min(delay * 2, self.max_backoff)


def _message(raw: bytes) -> str:
    try:
        body = json.loads(raw)
    except ValueError:
        return raw[:200].decode("utf-8", "replace")
    return str(body.get("message") or body.get("error") or body)[:300] if isinstance(body, dict) else str(body)[:300]
