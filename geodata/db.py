"""One cached engine per process, built from settings; database preflight checks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from geodata import embedded
from geodata.errors import ConfigurationError, DatabaseUnavailable, MissingExtension
from geodata.settings import Settings, get_settings

REQUIRED_EXTENSIONS = ("postgis", "pg_trgm")


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


@lru_cache(maxsize=1)
def get_engine() -> Engine:
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
