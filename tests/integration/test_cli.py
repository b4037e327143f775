"""The command line on bad input: a clear message, a non-zero exit, nothing half-done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("COCKPIT_") and k != "DATABASE_URL"}
    return subprocess.run([sys.executable, "app.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120, check=False)


def test_unreachable_database_url_is_reported_clearly() -> None:
    done = run("db", "upgrade", DATABASE_URL="postgresql://nobody@127.0.0.1:9/none")
    assert done.returncode == 1
    assert "cannot connect to the database" in done.stderr
    assert "Traceback" not in done.stderr


def test_misspelt_setting_is_reported() -> None:
    done = run("db", "status", COCKPIT_DATABSE_URL="postgresql://x@y/z")
    assert done.returncode == 1 and "COCKPIT_DATABSE_URL" in done.stderr


def test_bad_scale_is_rejected_before_anything_happens(scratch_database) -> None:
    done = run("demo", "load", "--scale", "0", DATABASE_URL=scratch_database())
    assert done.returncode == 1 and "--scale" in done.stderr


def test_demo_load_without_schema_says_what_to_do(scratch_database, tmp_path) -> None:
    done = run("demo", "load", "--scale", "0.01", DATABASE_URL=scratch_database(), COCKPIT_DATA_DIR=str(tmp_path))
    assert done.returncode == 2 and "db upgrade" in done.stderr


def test_upgrade_twice_then_status(scratch_database) -> None:
    url = scratch_database()
    assert run("db", "upgrade", DATABASE_URL=url).returncode == 0
    again = run("db", "upgrade", DATABASE_URL=url)
    assert again.returncode == 0 and "revision" in again.stdout
    status = run("db", "status", DATABASE_URL=url)
    assert '"schema": "current"' in status.stdout
