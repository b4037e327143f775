"""The embedded default database: a private PostgreSQL + PostGIS cluster the app provisions itself.

Used when no ``DATABASE_URL`` is configured. The cluster listens on a Unix socket only, inside a
directory only its owner can enter, so trust authentication does not open it to other local users.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import pwd
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from geodata.errors import ConfigurationError, DatabaseUnavailable

log = logging.getLogger(__name__)

SUPERUSER = "cockpit"
# Debian/Ubuntu package names; the unversioned meta packages pick the distribution's release.
APT_PACKAGES = ("postgresql", "postgresql-postgis")


@dataclass(frozen=True)
class Cluster:
    bindir: Path
    datadir: Path
    port: int
    owner: str | None  # OS user that runs the server when we are root, else None (ourselves)

    @property
    def socket_dir(self) -> Path:
        return self.datadir.parent / "run"

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@/{dbname}?host={self.socket_dir}&port={self.port}"


def _find_bindir() -> Path | None:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key, reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        bindir = Path(out.stdout.strip())
        if (bindir / "initdb").exists():
            return bindir
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> int:
    part = Path(path).parent.parent.name
    return int(part) if part.isdigit() else 0


def _postgis_installed(bindir: Path) -> bool:
    pg_config = bindir / "pg_config"
    if pg_config.exists():
        share = subprocess.run([str(pg_config), "--sharedir"], capture_output=True, text=True, check=False)
        sharedir = Path(share.stdout.strip())
    else:
        sharedir = Path("/usr/share/postgresql") / bindir.parent.name
    return (sharedir / "extension" / "postgis.control").exists()


def _install_packages() -> None:
    apt = shutil.which("apt-get")
    if not apt:
        raise ConfigurationError(
            "PostgreSQL/PostGIS is not installed and this system has no apt-get: install PostgreSQL 13+ "
            "with PostGIS 3, or set DATABASE_URL to an existing PostGIS database."
        )
    prefix: list[str] = []
    if os.geteuid() != 0:
        sudo = shutil.which("sudo")
        if not sudo:
            raise ConfigurationError(
                "PostgreSQL/PostGIS is missing and installing it needs root: run "
                f"'sudo apt-get install {' '.join(APT_PACKAGES)}' or set DATABASE_URL."
            )
        prefix = [sudo, "-n"]
    log.warning("installing %s with apt-get", " ".join(APT_PACKAGES))
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run([*prefix, apt, "-qq", "update"], check=False, env=env)
    done = subprocess.run([*prefix, apt, "install", "-y", "-qq", *APT_PACKAGES], check=False, env=env)
    if done.returncode != 0:
        raise ConfigurationError(f"apt-get could not install {' '.join(APT_PACKAGES)}; install them and retry.")


def _cluster_dir(data_dir: Path) -> tuple[Path, str | None]:
    if os.geteuid() != 0:
        return data_dir / "pgcluster" / "data", None
    # initdb refuses to run as root: the server runs as the 'postgres' system user and lives in its
    # home, which that user can always reach (the project folder may not be readable by it).
    try:
        home = Path(pwd.getpwnam("postgres").pw_dir)
    except KeyError as exc:
        raise ConfigurationError("running as root needs the 'postgres' system user (from the packages)") from exc
    tag = hashlib.sha256(str(data_dir.resolve()).encode()).hexdigest()[:10]
    return home / "xinchang-cockpit" / tag / "data", "postgres"


def _run(cmd: list[str], owner: str | None, **kw: object) -> subprocess.CompletedProcess[str]:
    if owner:
        cmd = ["runuser", "-u", owner, "--", *cmd]
    return subprocess.run(cmd, capture_output=True, text=True, check=False, **kw)  # type: ignore[call-overload]


def _prepare_dir(path: Path, owner: str | None) -> None:
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path, 0o700)
    if owner:
        pw = pwd.getpwnam(owner)
        for p in [path, *[q for q in path.parents if str(q).startswith(str(Path(pw.pw_dir)) + "/")]]:
            os.chown(p, pw.pw_uid, pw.pw_gid)


def ensure_cluster(data_dir: Path, port: int) -> Cluster:
    """Install (if needed and allowed), initialise and start the private cluster; idempotent."""
    bindir = _find_bindir()
    if bindir is None or not _postgis_installed(bindir):
        _install_packages()
        bindir = _find_bindir()
        if bindir is None or not _postgis_installed(bindir):
            raise ConfigurationError("PostgreSQL with PostGIS is still not available after installing it.")
    datadir, owner = _cluster_dir(data_dir)
    cluster = Cluster(bindir=bindir, datadir=datadir, port=port, owner=owner)
    if not (datadir / "PG_VERSION").exists():
        _prepare_dir(datadir, owner)
        _prepare_dir(cluster.socket_dir, owner)
        out = _run(
            [str(bindir / "initdb"), "-D", str(datadir), "-U", SUPERUSER, "--auth=trust",
             "--encoding=UTF8", "--locale=C.UTF-8"],
            owner,
        )
        if out.returncode != 0:
            raise ConfigurationError("initdb failed for the embedded database", detail=out.stderr[-2000:])
    _start(cluster)
    return cluster


def _is_running(cluster: Cluster) -> bool:
    out = _run([str(cluster.bindir / "pg_isready"), "-h", str(cluster.socket_dir), "-p", str(cluster.port)], None)
    return out.returncode == 0


def _start(cluster: Cluster) -> None:
    if _is_running(cluster):
        return
    _prepare_dir(cluster.socket_dir, cluster.owner)
    logfile = cluster.datadir.parent / "server.log"
    opts = (
        f"-p {cluster.port} -c listen_addresses='' -k {cluster.socket_dir} "
        "-c unix_socket_permissions=0700 -c shared_buffers=256MB -c max_connections=100"
    )
    out = _run(
        [str(cluster.bindir / "pg_ctl"), "-D", str(cluster.datadir), "-l", str(logfile), "-w", "-t", "60",
         "-o", opts, "start"],
        cluster.owner,
    )
    deadline = time.monotonic() + 30
    while not _is_running(cluster):
        if time.monotonic() > deadline:
            raise DatabaseUnavailable(
                "the embedded database did not start; see its log", detail=f"{logfile}: {out.stderr[-1000:]}"
            )
        time.sleep(0.2)


def stop_cluster(data_dir: Path, port: int) -> bool:
    bindir = _find_bindir()
    datadir, owner = _cluster_dir(data_dir)
    if bindir is None or not (datadir / "PG_VERSION").exists():
        return False
    out = _run([str(bindir / "pg_ctl"), "-D", str(datadir), "-m", "fast", "-w", "stop"], owner)
    return out.returncode == 0
