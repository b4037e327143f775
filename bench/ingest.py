"""Ingest rate of POST /api/v1/readings: readings per second the API sustains.

    python -m bench.ingest [--batches 20] [--batch-size 500] [--runs 3] [--scale 0.05]

Builds a scratch demo database (bench/common.py: the embedded PostgreSQL or $COCKPIT_BENCH_ADMIN_URL),
then posts batches through the whole Flask app in-process (access rules, bearer token, validation, one
transaction with the alarm evaluation and the audit entry) and reports the median over the runs. The HTTP
server itself is not part of the figure. The scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bench.common import PASSWORD, add_user, scratch_demo


def _batches(sensors: list[dict[str, Any]], n: int, size: int, run: int, now: datetime) -> list[list[dict[str, Any]]]:
    """Distinct (sensor, metric, second) keys: every reading is new, none is rejected."""
    pairs = [(s["code"], m) for s in sensors for m in s["metrics"] if m not in ("occupied", "free", "volume")]
    out, k = [], 0
    for _ in range(n):
        batch = []
        for _ in range(size):
            code, metric = pairs[k % len(pairs)]
            at = now - timedelta(seconds=run * 100_000 + k // len(pairs) + 1)
            batch.append({"id": f"bench-{run}-{k}", "sensor": code, "metric": metric, "observed_at": at.isoformat(),
                          "value": 1010.0 if metric == "pressure" else 1.0})
            k += 1
        out.append(batch)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ingest", description=__doc__.split("\n\n")[0])
    parser.add_argument("--batches", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--scale", type=float, default=0.05, help="demo scale of the scratch database")
    args = parser.parse_args(argv)

    with scratch_demo(args.scale, COCKPIT_API_RATE_PER_MINUTE="1000000"):
        add_user("bench-feed", "dataadmin")
        rates = _measure(args)
    print(f"ingest: median {statistics.median(rates):,.0f} readings/s over {args.runs} runs of {args.batches} "
          f"batches x {args.batch_size} (runs: {', '.join(f'{r:,.0f}' for r in rates)})")
    return 0


def _measure(args: argparse.Namespace) -> list[float]:
    from cockpit.server import create_app
    from geodata.settings import get_settings

    settings = get_settings()
    client = create_app(settings).server.test_client()
    token = client.post("/api/v1/auth/token", json={"username": "bench-feed", "password": PASSWORD,
                                                     "scopes": ["feed.ingest", "map.view"]}).get_json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    sensors = client.get("/api/v1/sensors", headers=headers).get_json()["sensors"]
    rates = []
    for run in range(args.runs):
        batches = _batches(sensors, args.batches, args.batch_size, run, datetime.now(UTC))
        accepted = 0
        t0 = time.perf_counter()
        for batch in batches:
            response = client.post("/api/v1/readings", json={"readings": batch}, headers=headers)
            assert response.status_code == 200, response.get_data(as_text=True)[:300]
            accepted += response.get_json()["accepted"]
        elapsed = time.perf_counter() - t0
        if accepted != args.batches * args.batch_size:
            print(f"warning: only {accepted} readings were accepted", file=sys.stderr)
        rates.append(accepted / elapsed)
        print(f"run {run + 1}: {accepted} readings in {elapsed:.2f} s = {accepted / elapsed:,.0f} readings/s",
              flush=True)
    return rates


if __name__ == "__main__":
    sys.exit(main())
