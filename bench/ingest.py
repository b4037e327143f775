"""Ingest rate of POST /api/v1/readings: readings per second the API sustains.

    python -m bench.ingest [--batches 20] [--batch-size 500] [--runs 3] [--scale 0.05]

Builds a scratch demo database on the embedded PostgreSQL (or $COCKPIT_BENCH_ADMIN_URL, a superuser URL),
then posts batches through the whole Flask app in-process (access rules, bearer token, validation, one
transaction with the alarm evaluation and the audit entry) and reports the median over the runs. The HTTP
server itself is not part of the figure. The scratch database is dropped at the end.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

PASSWORD = f"Bench-{secrets.token_hex(8)}-Ok1"  # a throwaway account in a throwaway database


def _admin_url() -> str:
    configured = os.environ.get("COCKPIT_BENCH_ADMIN_URL")
    if configured:
        from geodata.db import normalise_url

        return normalise_url(configured)
    from geodata.embedded import ensure_cluster
    from geodata.settings import Settings

    settings = Settings(database_url=None)
    return ensure_cluster(settings.data_dir, settings.embedded_port).url("postgres")


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

    from sqlalchemy.engine import make_url

    from geodata import db
    from geodata.settings import get_settings

    admin = _admin_url()
    name = f"cockpit_bench_{uuid.uuid4().hex[:8]}"
    db.create_database(admin, name)
    try:
        with tempfile.TemporaryDirectory() as data_dir:
            url = make_url(admin).set(database=name).render_as_string(hide_password=False)
            os.environ.update({"DATABASE_URL": url, "COCKPIT_DATA_DIR": data_dir,
                               "COCKPIT_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
                               "COCKPIT_API_RATE_PER_MINUTE": "1000000"})
            get_settings.cache_clear()
            rates = _measure(args)
    finally:
        for cached in (db.get_engine, db.get_owner_engine):
            cached().dispose()
        db.drop_database(admin, name)
    print(f"ingest: median {statistics.median(rates):,.0f} readings/s over {args.runs} runs of {args.batches} "
          f"batches x {args.batch_size} (runs: {', '.join(f'{r:,.0f}' for r in rates)})")
    return 0


def _measure(args: argparse.Namespace) -> list[float]:
    from cockpit.server import create_app
    from geodata.db import get_owner_engine
    from geodata.demo.loader import DemoParams, generate, load
    from geodata.migrate import upgrade
    from geodata.protect import DataProtector, load_key
    from geodata.settings import get_settings
    from twin.auth import COUNTY_CODE, create_user

    settings = get_settings()
    engine = get_owner_engine()
    upgrade(engine)
    params = DemoParams(scale=args.scale, seed=42)
    key = load_key(settings.data_key.get_secret_value() if settings.data_key else None, settings.data_dir, create=True)
    ctx, report = generate(params, settings.data_dir, DataProtector(key))
    load(engine, ctx, report, params)
    create_user("bench-feed", PASSWORD, "dataadmin", COUNTY_CODE, "bench feed")
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
