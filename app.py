"""Xinchang digital-twin cockpit: composition root and command line.

    python app.py run [--host H] [--port P]
    python app.py db upgrade | db status | db stop
    python app.py demo load [--scale S] [--seed N] [--if-empty]
    python app.py feed [--url U] [--username U --password P | --token T] [--speed X] [--storm] [--once]
    python app.py users create --username U --role R --jurisdiction CODE [--display-name N] [--password-stdin]
"""

from __future__ import annotations

import argparse
import logging
import os
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import ValidationError

from geodata.errors import CockpitError

if TYPE_CHECKING:
    from geodata.settings import Settings

log = logging.getLogger("cockpit")


def _settings() -> Settings:
    from geodata.settings import get_settings

    return get_settings()


def cmd_run(args: argparse.Namespace) -> int:
    from cockpit.server import create_app

    settings = _settings()
    app = create_app(settings)
    host = args.host or settings.host
    port = args.port or settings.port
    print(f"cockpit: http://{host}:{port}/", flush=True)
    feed = _start_demo_feed(settings, host, port) if args.demo_feed else None
    try:
        app.run(host=host, port=port, debug=False)
    finally:
        if feed is not None:
            feed.terminate()
    return 0


def _start_demo_feed(settings: Settings, host: str, port: int) -> subprocess.Popen[bytes]:
    """The feed simulator beside the demo server, as the demo data administrator: the wall stays live."""
    from twin.auth import demo_password

    password, _path, _created = demo_password(settings)
    local = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104 (comparing, not binding)
    env = {**os.environ, "COCKPIT_DEMO_PASSWORD": password}
    print("demo feed: posting live readings as dataadmin (python app.py feed)", flush=True)
    return subprocess.Popen([sys.executable, str(Path(__file__).resolve()), "feed", "--url",
                             f"http://{local}:{port}", "--username", "dataadmin"], env=env,
                            stdout=subprocess.DEVNULL)


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from geodata.db import get_owner_engine
    from geodata.migrate import upgrade

    revision = upgrade(get_owner_engine())
    print(f"database schema at revision {revision}")
    return 0


def cmd_db_status(_args: argparse.Namespace) -> int:
    import json

    from twin.health import health_report

    report = health_report()
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if report["status"] == "ok" else 1


def cmd_db_stop(_args: argparse.Namespace) -> int:
    from geodata.embedded import stop_cluster

    settings = _settings()
    if settings.database_url:
        print("DATABASE_URL is set: there is no embedded database to stop")
        return 0
    print("embedded database stopped" if stop_cluster(settings.data_dir, settings.embedded_port)
          else "embedded database was not running")
    return 0


def cmd_demo_load(args: argparse.Namespace) -> int:
    from geodata.db import get_owner_engine
    from geodata.demo.loader import DemoParams, generate, load
    from geodata.migrate import current_revision, head_revision
    from geodata.protect import DataProtector, load_key
    from geodata.repositories.system import database_state
    from twin.auth import check_demo_password, create_demo_users, demo_password

    params = DemoParams(scale=args.scale, seed=args.seed)
    settings = _settings()
    engine = get_owner_engine()
    if current_revision(engine) != head_revision():
        print("the database schema is not up to date: run 'python app.py db upgrade' first", file=sys.stderr)
        return 2
    if args.if_empty and database_state().get("dataset"):
        print("data already loaded; skipping the demo load (--if-empty)")
        return 0
    password, password_file, generated = demo_password(settings)
    check_demo_password(password)  # a weak COCKPIT_DEMO_PASSWORD fails before minutes of loading
    key = load_key(
        settings.data_key.get_secret_value() if settings.data_key else None, settings.data_dir, create=True
    )
    t0 = time.perf_counter()
    ctx, report = generate(params, settings.data_dir, DataProtector(key), progress=_progress)
    load(engine, ctx, report, params, progress=_progress)
    total = time.perf_counter() - t0
    print(f"demo county loaded (scale {params.scale}, seed {params.seed}) in {total:.1f} s — synthetic data")
    for table, n in sorted(report.rows.items()):
        print(f"  {table:<22} {n:>9,}")
    names = create_demo_users(password)
    print(f"demo users ({len(names)}): {', '.join(names)}")
    if password_file is None:
        print("demo password: the value of COCKPIT_DEMO_PASSWORD")
    elif generated:
        print(f"demo password (shown once; kept in {password_file}): {password}")
    else:
        print(f"demo password: see {password_file}")
    return 0


def cmd_users_create(args: argparse.Namespace) -> int:
    import getpass

    from geodata.db import get_owner_engine
    from geodata.migrate import current_revision, head_revision
    from twin.auth import create_user

    if current_revision(get_owner_engine()) != head_revision():
        print("the database schema is not up to date: run 'python app.py db upgrade' first", file=sys.stderr)
        return 2
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"password for {args.username}: ")
        if getpass.getpass("again: ") != password:
            print("error: the two passwords differ", file=sys.stderr)
            return 1
    create_user(args.username, password, args.role, args.jurisdiction, args.display_name or args.username,
                grid_codes=args.grid or ())
    print(f"user {args.username.strip().lower()} created (role {args.role}, jurisdiction {args.jurisdiction})")
    return 0


def cmd_users_totp(args: argparse.Namespace) -> int:
    from twin.auth import COUNTY_CODE, Principal, set_totp

    # The console operator acts as a system administrator: whoever runs this already controls the server.
    operator = Principal(username="console", role="sysadmin", display_name="console", jurisdiction_code=COUNTY_CODE)
    uri = set_totp(args.username, operator)
    print("scan once in an authenticator app (not shown again):")
    print(uri)
    return 0


def cmd_audit_prune(args: argparse.Namespace) -> int:
    from twin.auth.audit import prune_audit

    print(f"removed {prune_audit(args.older_than_months)} audit entries older than {args.older_than_months} months")
    return 0


def cmd_feed(args: argparse.Namespace) -> int:
    import os

    from twin.feed.client import FeedHttpError
    from twin.feed.runner import FeedOptions, run

    if args.speed <= 0 or (args.duration is not None and args.duration <= 0):
        print("error: --speed and --duration must be positive", file=sys.stderr)
        return 2
    options = FeedOptions(url=args.url, username=args.username,
                          password=args.password or os.environ.get("COCKPIT_DEMO_PASSWORD"),
                          token=args.token or os.environ.get("COCKPIT_FEED_TOKEN"), speed=args.speed,
                          duration=args.duration, storm=args.storm, once=args.once, start=args.start)
    try:
        return run(options)
    except ValueError as exc:  # a bad --start
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except FeedHttpError as exc:  # refused sign-in or sensor list: retrying would not help
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _progress(message: str) -> None:
    print(f"  {message}", flush=True)


def _not_yet(issue: int, what: str) -> Callable[[argparse.Namespace], int]:
    def run(_args: argparse.Namespace) -> int:
        print(f"'{what}' is not available yet (tracked in issue {issue}).", file=sys.stderr)
        return 2

    return run


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="app.py", description="Xinchang digital-twin cockpit (新昌县数字孪生驾驶舱)")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="serve the cockpit")
    run.add_argument("--host", default=None, help="interface to bind (default 127.0.0.1)")
    run.add_argument("--port", type=int, default=None, help="port (default 8050)")
    run.add_argument("--demo-feed", action="store_true",
                     help="also run the feed simulator against this server (demo data only)")
    run.set_defaults(func=cmd_run)

    db = sub.add_parser("db", help="database schema and the embedded server")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    db_sub.add_parser("upgrade", help="create or migrate the schema (idempotent)").set_defaults(func=cmd_db_upgrade)
    db_sub.add_parser("status", help="print database health as JSON").set_defaults(func=cmd_db_status)
    db_sub.add_parser("stop", help="stop the embedded database server").set_defaults(func=cmd_db_stop)

    demo = sub.add_parser("demo", help="the synthetic demo county")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    demo_load = demo_sub.add_parser("load", help="generate and load the demo county (replaces its data)")
    demo_load.add_argument("--scale", type=float, default=1.0, help="population/entity scale (default 1)")
    demo_load.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    demo_load.add_argument("--if-empty", action="store_true", help="do nothing when data is already loaded")
    demo_load.set_defaults(func=cmd_demo_load)

    imp = sub.add_parser("import", help="import GeoJSON / Shapefile / GeoPackage / CSV")
    imp.add_argument("files", nargs="+")
    imp.set_defaults(func=_not_yet(10, "import"))
    feed = sub.add_parser(
        "feed", help="simulate live sensor feeds through the ingest API",
        description="Post realistic sensor readings (rain, rivers, weather, restaurant fume, traffic, parking) and "
                    "indicator updates to POST /api/v1/readings, one round per simulated minute.")
    feed.add_argument("--url", default="http://127.0.0.1:8050", help="the cockpit (default http://127.0.0.1:8050)")
    feed.add_argument("--username", help="an account with feed.ingest and map.view (e.g. dataadmin)")
    feed.add_argument("--password", help="its password (default: $COCKPIT_DEMO_PASSWORD)")
    feed.add_argument("--token", help="a bearer token with scopes feed.ingest and map.view "
                                      "(default: $COCKPIT_FEED_TOKEN)")
    feed.add_argument("--speed", type=float, default=1.0,
                      help="time multiplier, e.g. 60 = a simulated minute per second (never ahead of the clock)")
    feed.add_argument("--duration", type=float, default=None, help="stop after this many seconds (default: never)")
    feed.add_argument("--start", default=None,
                      help="simulated start: ISO 8601 or relative, written --start=-6h; default now")
    feed.add_argument("--storm", action="store_true", help="a rainstorm episode starts at the simulated start")
    feed.add_argument("--once", action="store_true", help="post one round (every sensor) and exit")
    feed.set_defaults(func=cmd_feed)
    sub.add_parser("bench", help="run the benchmark suite").set_defaults(func=_not_yet(11, "bench"))
    users = sub.add_parser("users", help="manage users")
    users_sub = users.add_subparsers(dest="users_command", required=True)
    create = users_sub.add_parser(
        "create", help="create a user, e.g. the first system administrator",
        description="Create a user. The password is asked for twice (or read from stdin with --password-stdin): "
                    "at least 12 characters, three of lower/upper/digit/symbol, not containing the username.")
    create.add_argument("--username", required=True, help="3-64 lower-case letters, digits, '.', '_' or '-'")
    create.add_argument("--role", required=True,
                        help="leader, commander, grid_worker, planner, dataadmin, sysadmin, auditor or kiosk")
    create.add_argument("--jurisdiction", required=True,
                        help="330624 (county) for county-wide roles; a 9-digit township code for a commander; "
                             "a 12-digit village code for a grid worker")
    create.add_argument("--display-name", default=None, help="name shown in the UI (default: the username)")
    create.add_argument("--grid", action="append", default=None, metavar="CODE",
                        help="grid worker only: a 15-digit grid cell looked after (repeatable; default: the whole "
                             "village)")
    create.add_argument("--password-stdin", action="store_true", help="read the password from the first line of stdin")
    create.set_defaults(func=cmd_users_create)
    totp = users_sub.add_parser("totp", help="give a user a (new) TOTP second factor; prints the otpauth URI once")
    totp.add_argument("--username", required=True)
    totp.set_defaults(func=cmd_users_totp)

    audit = sub.add_parser("audit", help="audit log retention")
    audit_sub = audit.add_subparsers(dest="audit_command", required=True)
    prune = audit_sub.add_parser("prune", help="delete entries older than N months (at least 6)")
    prune.add_argument("--older-than-months", type=int, required=True)
    prune.set_defaults(func=cmd_audit_prune)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    try:
        return int(args.func(args))
    except CockpitError as exc:
        print(f"error: {exc.user_message}", file=sys.stderr)
        if exc.detail and args.verbose:
            print(exc.detail, file=sys.stderr)
        return 1
    except ValidationError as exc:  # settings from the environment
        for err in exc.errors():
            print(f"error: {'.'.join(map(str, err['loc'])) or 'settings'}: {err['msg']}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
