"""Server CPU time per overview refresh with 1, 10 and 50 screens open.

    python -m bench.refresh [--screens 1,10,50] [--seconds 40] [--scale 0.05]

Starts the real app (``app.py run``) on a scratch demo database (bench/common.py), signs in one kiosk
session per screen and lets every screen poll the overview's refresh callback every 2 s, as the page does,
while a feed posts a reading every 5 s (so the aggregate really changes). The server process's CPU time
(user + system, from /proc) over the window, divided by the refreshes it answered, is the figure; it
should not grow with the number of screens. Also reported: how many refreshes carried new panels (200)
rather than "nothing new" (204).
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.common import PASSWORD, add_user, scratch_demo

ROOT = Path(__file__).resolve().parent.parent
REFRESH_S = 2.0  # cockpit/pages/overview.py REFRESH_MS
FEED_EVERY_S = 5.0
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    full: int = 0
    unchanged: int = 0
    errors: int = 0

    def add(self, status: int) -> None:
        with self.lock:
            if status == 200:
                self.full += 1
            elif status == 204:
                self.unchanged += 1
            else:
                self.errors += 1


class Screen:
    """One browser showing the overview: a session cookie and the version it shows."""

    def __init__(self, base: str, username: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        form = self._open("/login").read().decode()
        token = CSRF.search(form)
        assert token, "the login form carries a CSRF token"
        body = urllib.parse.urlencode({"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
        self._open("/login", body.encode(), {"Content-Type": "application/x-www-form-urlencoded"})
        deps = json.load(self._open("/_dash-dependencies"))
        self.callback = next(c for c in deps if "overview-version.data" in c["output"]
                             and not c.get("clientside_function"))
        self.version: str | None = None

    def _open(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None) -> Any:
        request = urllib.request.Request(self.base + path, data=data, headers=headers or {})  # noqa: S310
        return self.opener.open(request, timeout=60)

    def refresh(self) -> int:
        c = self.callback
        parts = c["output"].strip(".").split("...")
        body = {"output": c["output"],
                "outputs": [{"id": p.rsplit(".", 1)[0], "property": p.rsplit(".", 1)[1].split("@")[0]} for p in parts],
                "inputs": [{"id": "overview-tick", "property": "n_intervals", "value": 1}],
                "state": [{"id": s["id"], "property": s["property"],
                           "value": {"overview-version": self.version, "app-lang": "zh"}.get(s["id"])}
                          for s in c["state"]],
                "changedPropIds": ["overview-tick.n_intervals"]}
        try:
            response = self._open("/_dash-update-component", json.dumps(body).encode(),
                                  {"Content-Type": "application/json"})
        except urllib.error.HTTPError as error:
            return error.code
        if response.status == 200:
            self.version = json.load(response)["response"]["overview-version"]["data"]
        return int(response.status)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen([sys.executable, "app.py", "run", "--host", "127.0.0.1", "--port", str(port)],
                               cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):  # noqa: S310 (our own server)
                return process, base
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the app did not start")


def feeder(base: str, stop: threading.Event) -> None:
    """A reading every few seconds, like a slow feed: the aggregate changes while the screens poll."""
    token_request = urllib.request.Request(  # noqa: S310
        base + "/api/v1/auth/token", json.dumps({"username": "bench-feed", "password": PASSWORD,
                                                 "scopes": ["feed.ingest", "map.view"]}).encode(),
        {"Content-Type": "application/json"})
    token = json.load(urllib.request.urlopen(token_request, timeout=30))["access_token"]  # noqa: S310
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    sensors = json.load(urllib.request.urlopen(urllib.request.Request(  # noqa: S310
        base + "/api/v1/sensors?kind=weather_station", headers=auth), timeout=30))["sensors"]
    n = 0
    while not stop.wait(FEED_EVERY_S):
        n += 1
        at = datetime.now(UTC).replace(microsecond=0).isoformat()
        body = {"readings": [{"id": f"bench-refresh-{n}-{at}", "sensor": sensors[n % len(sensors)]["code"],
                              "metric": "temperature", "observed_at": at, "value": 12.0 + n % 5}]}
        urllib.request.urlopen(urllib.request.Request(  # noqa: S310
            base + "/api/v1/readings", json.dumps(body).encode(), auth), timeout=30).read()


def measure(base: str, pid: int, screens: int, seconds: float) -> dict[str, float]:
    clients = [Screen(base, "bench-kiosk") for _ in range(screens)]
    for c in clients:
        c.refresh()  # the first paint of each screen is not part of the steady state
    tally, stop = Tally(), threading.Event()

    def poll(screen: Screen, offset: float) -> None:
        next_at = time.monotonic() + offset
        while not stop.is_set():
            stop.wait(max(0.0, next_at - time.monotonic()))
            if stop.is_set():
                break
            tally.add(screen.refresh())
            next_at += REFRESH_S

    threads = [threading.Thread(target=poll, args=(c, i * REFRESH_S / screens), daemon=True)
               for i, c in enumerate(clients)]
    feed = threading.Thread(target=feeder, args=(base, stop), daemon=True)
    cpu0, t0 = cpu_seconds(pid), time.monotonic()
    for thread in [*threads, feed]:
        thread.start()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    cpu, wall = cpu_seconds(pid) - cpu0, time.monotonic() - t0
    refreshes = tally.full + tally.unchanged
    return {"screens": screens, "refreshes": refreshes, "full": tally.full, "errors": tally.errors,
            "cpu_s": cpu, "wall_s": wall, "cpu_ms_per_refresh": 1000 * cpu / max(1, refreshes),
            "server_load": cpu / wall}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.refresh", description=__doc__.split("\n\n")[0])
    parser.add_argument("--screens", default="1,10,50")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--scale", type=float, default=0.05, help="demo scale of the scratch database")
    args = parser.parse_args(argv)
    counts = [int(n) for n in args.screens.split(",")]
    with scratch_demo(args.scale, COCKPIT_API_RATE_PER_MINUTE="1000000",
                      COCKPIT_LOGIN_RATE_PER_MINUTE="1000000") as env:
        add_user("bench-kiosk", "kiosk")
        add_user("bench-feed", "dataadmin")
        server, base = start_server(env)
        try:
            rows = [measure(base, server.pid, n, args.seconds) for n in counts]
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"overview refresh, {args.seconds:.0f} s per row, a reading posted every {FEED_EVERY_S:.0f} s:")
    print(f"{'screens':>8} {'refreshes':>10} {'with news':>10} {'errors':>7} {'server CPU s':>13} "
          f"{'CPU ms/refresh':>15} {'CPU share':>10}")
    for r in rows:
        print(f"{r['screens']:>8} {r['refreshes']:>10} {r['full']:>10} {r['errors']:>7} {r['cpu_s']:>13.2f} "
              f"{r['cpu_ms_per_refresh']:>15.2f} {r['server_load']:>9.0%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
