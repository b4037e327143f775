"""One cached engine per process, built from settings; database preflight checks."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from geodata import embedded
from geodata.errors import ConfigurationError, DatabaseUnavailable, MissingExtension
from geodata.settings import Settings, get_settings

REQUIRED_EXTENSIONS = ("postgis", "pg_trgm")
COUNTY_SCOPE = "county"
log = logging.getLogger(__name__)

# The data scope of the current request or task: 'county', a 9-digit township code, or None (nothing).
# Every transaction of the application engine hands it to PostgreSQL's row-level security.
_scope: ContextVar[str | None] = ContextVar("cockpit_data_scope", default=None)


def set_scope(scope: str | None) -> None:
    """Scope for the rest of this request/task (the web layer calls it once per request)."""
    if scope is not None and scope != COUNTY_SCOPE and not re.fullmatch(r"\d{9}", scope):
        raise ValueError(f"invalid data scope {scope!r}")
    _scope.set(scope)


@contextmanager
def scoped(scope: str | None) -> Iterator[None]:
    token = _scope.set(scope)
    try:
        yield
    finally:
        _scope.reset(token)


def current_scope() -> str | None:
    return _scope.get()


def normalise_url(url: str) -> str:
    """Accept the common ``postgres://`` / ``postgresql://`` spellings and use the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise ConfigurationError("DATABASE_URL is not a valid database URL") from exc
    if parsed.get_backend_name() not in ("postgresql", "postgres"):
        raise ConfigurationError("DATABASE_URL must point at PostgreSQL with PostGIS")
    return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)


def resolve_url(settings: Settings) -> str:
    if settings.database_url:
        return normalise_url(settings.database_url)
    cluster = embedded.ensure_cluster(settings.data_dir, settings.embedded_port)
    create_database(cluster.url("postgres"), settings.embedded_db)
    return cluster.url(settings.embedded_db)


def create_database(admin_url: str, name: str) -> bool:
    """Create ``name`` with a UTF-8 ctype (pg_trgm ignores Chinese otherwise); False if it existed."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            exists = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first()
            if exists:
                return False
            ident = conn.dialect.identifier_preparer.quote(name)
            conn.execute(
                text(
                    f"CREATE DATABASE {ident} TEMPLATE template0 ENCODING 'UTF8' "
                    "LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'"
                )
            )
            return True
    finally:
        engine.dispose()


def drop_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            ident = conn.dialect.identifier_preparer.quote(name)
            conn.execute(text(f"DROP DATABASE IF EXISTS {ident} WITH (FORCE)"))
    finally:
        engine.dispose()


def make_engine(url: str) -> Engine:
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args={"connect_timeout": 10})


def make_app_engine(url: str, app_role: str | None) -> Engine:
    """The engine the application uses: it acts as ``app_role`` (row-level security applies, the audit
    log is append-only) and states the current data scope at the start of every transaction."""
    engine = make_engine(url)
    if app_role and not re.fullmatch(r"[a-z_][a-z0-9_]*", app_role):
        raise ConfigurationError("COCKPIT_DB_APP_ROLE must be a plain lower-case role name")

    @event.listens_for(engine, "connect")
    def _act_as_app_role(dbapi_conn: Any, _record: Any) -> None:
        if not app_role:
            return
        with dbapi_conn.cursor() as cur:
            cur.execute("SELECT pg_has_role(current_user, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
                        (app_role, app_role))
            row = cur.fetchone()
            if row and row[0]:
                cur.execute(f'SET ROLE "{app_role}"')
            else:
                log.warning("role %s is missing or not granted: row-level security is not in force", app_role)
        dbapi_conn.commit()  # a SET inside a rolled-back transaction would be undone

    @event.listens_for(engine, "begin")
    def _state_scope(conn: Any) -> None:
        conn.exec_driver_sql("SELECT set_config('cockpit.scope', %s, true)", (_scope.get() or "",))

    return engine


@lru_cache(maxsize=1)
def get_engine() -> Engine:
    settings = get_settings()
    return make_app_engine(resolve_url(settings), settings.db_app_role or None)


@lru_cache(maxsize=1)
def get_owner_engine() -> Engine:
    """The schema owner's engine: migrations and bulk loads only, never request handling."""
    return make_engine(resolve_url(get_settings()))


@lru_cache(maxsize=1)
def _session_factory() -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(), expire_on_commit=False)


@contextmanager
def session_scope() -> Iterator[Session]:
    """A transaction: committed when the block ends normally, rolled back on any error."""
    session = _session_factory()()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except OperationalError as exc:
        target = engine.url.render_as_string(hide_password=True)
        raise DatabaseUnavailable(
            f"cannot connect to the database at {target}: is the server running and the URL right?",
            detail=str(exc.orig)[:500],
        ) from exc


def ensure_extensions(engine: Engine) -> None:
    """Create PostGIS and pg_trgm if we may; otherwise say exactly what the DBA has to run."""
    with engine.connect() as conn:
        available = {
            r[0] for r in conn.execute(
                text("SELECT name FROM pg_available_extensions WHERE name = ANY(:n)"),
                {"n": list(REQUIRED_EXTENSIONS)},
            )
        }
        missing = [e for e in REQUIRED_EXTENSIONS if e not in available]
        if missing:
            raise MissingExtension(
                f"the database server lacks the extension(s) {', '.join(missing)}: install PostGIS 3 "
                "(e.g. the postgresql-15-postgis-3 package) on the server"
            )
        installed = {r[0] for r in conn.execute(text("SELECT extname FROM pg_extension"))}
        conn.commit()
        for ext in REQUIRED_EXTENSIONS:
            if ext in installed:
                continue
            try:
                conn.execute(text(f"CREATE EXTENSION IF NOT EXISTS {ext}"))
                conn.commit()
            except Exception as exc:
                conn.rollback()
                raise MissingExtension(
                    f"extension {ext} is not installed in this database and this user may not create it: "
                    f"ask the DBA to run CREATE EXTENSION {ext};",
                    detail=str(exc)[:300],
                ) from exc


def check_utf8_ctype(engine: Engine) -> None:
    with engine.connect() as conn:
        ctype = conn.execute(text("SELECT datctype FROM pg_database WHERE datname = current_database()")).scalar()
    if not ctype or "utf" not in str(ctype).lower().replace("-", ""):
        raise ConfigurationError(
            f"the database has ctype {ctype!r}; Chinese text search needs a UTF-8 ctype: create it with "
            "LC_CTYPE 'C.UTF-8' (TEMPLATE template0)"
        )
