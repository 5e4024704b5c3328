"""Local set-up for `make run` and `make test`: system packages, Python env, services, database.

Runs with the system's python3 and the standard library only, before the virtualenv exists.
Every step checks before it acts, so a second run takes a few seconds. What it resolved
(DATABASE_URL, REDIS_URL) is written to .local/services.env for the Makefile to load; the
secrets (platform/local_secrets.py) are generated once into .local/secrets.env, loaded likewise.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "platform"))  # local_secrets, next to this file
import local_secrets  # noqa: E402

LOCAL = ROOT / ".local"
VENV = ROOT / ".venv"
DEFAULT_DATABASE_URL = "postgis://postgres@127.0.0.1:5432/o2o"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
EXTENSIONS = ("postgis", "btree_gist", "pg_trgm")


class SetupError(Exception):
    """A prerequisite is missing; the message says, in one sentence, what to do."""


def step(message: str) -> None:
    print(f"==> {message}", flush=True)


def run(*cmd: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kwargs)  # noqa: S603


# --- system packages -------------------------------------------------------------------------


def dpkg_installed(package: str) -> bool:
    result = subprocess.run(  # noqa: S603
        ["dpkg-query", "-W", "-f=${Status}", package],  # noqa: S607
        capture_output=True,
        text=True,
    )
    return result.returncode == 0 and "install ok installed" in result.stdout


def installed_postgres_major() -> str:
    versions = sorted(
        (p.name for p in Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()), key=int
    )
    return versions[-1] if versions else "15"


def running_postgres_major(database_url: str) -> str | None:
    """The major version of the server at database_url, or None when nothing answers."""
    if not shutil.which("psql"):
        return None
    result = subprocess.run(  # noqa: S603
        ["psql", psql_url(database_url, "postgres"), "-tAqc", "show server_version_num"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=10,
    )
    return str(int(result.stdout) // 10000) if result.returncode == 0 else None


def missing_packages(extra: list[str]) -> list[str]:
    wanted = ["gdal-bin", "libgeos-c1v5", *extra]
    wanted.append("fonts-wqy-microhei")  # Chinese text on membership card images (Pillow)
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    major = running_postgres_major(database_url)
    if major is None:  # nothing answers: we will start a cluster of our own
        major = installed_postgres_major()
        wanted += [f"postgresql-{major}", f"postgresql-{major}-postgis-3"]
    elif urlsplit(database_url).hostname in ("127.0.0.1", "localhost", "::1"):
        wanted.append(f"postgresql-{major}-postgis-3")  # a remote server brings its own
    if not shutil.which("psql"):
        wanted.append("postgresql-client")
    if not shutil.which("redis-server"):
        wanted.append("redis-server")
    if not shutil.which("node") or not shutil.which("npm"):
        wanted += ["nodejs", "npm"]
    if not shutil.which("msgfmt"):
        wanted.append("gettext")  # compiles the dashboard's English catalog
    # Browser tests drive Debian's Chromium (Playwright never downloads a browser here); the
    # CJK fonts make Chinese pages readable in its screenshots.
    wanted += ["chromium", "fonts-noto-cjk"]
    try:
        import ensurepip  # noqa: F401
    except ImportError:
        wanted.append("python3-venv")
    return [p for p in dict.fromkeys(wanted) if not dpkg_installed(p)]


def ensure_system_packages(extra: list[str]) -> None:
    if not shutil.which("dpkg-query"):
        return  # not Debian: the README lists what to install by hand
    missing = missing_packages(extra)
    if not missing:
        return
    if os.geteuid() != 0:
        raise SetupError(
            f"缺少系统软件包 / missing system packages: run `sudo apt-get install -y "
            f"{' '.join(missing)}` (or run make as root) and try again."
        )
    step(f"apt-get install {' '.join(missing)}")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "update", "-q", env=env)
    run("apt-get", "install", "-y", "-q", "--no-install-recommends", *missing, env=env)


# --- Python environment and front-end assets ------------------------------------------------


def fingerprint(*paths: Path) -> str:
    digest = hashlib.sha256()
    for path in paths:
        if path.exists():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def ensure_virtualenv() -> None:
    stamp = VENV / ".installed"
    wanted = fingerprint(ROOT / "pyproject.toml")
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (VENV / "bin" / "python").exists():
        step("creating .venv")
        run(sys.executable, "-m", "venv", str(VENV))
    step("installing Python dependencies into .venv")
    pip = str(VENV / "bin" / "pip")
    run(pip, "install", "-q", "--upgrade", "pip")
    run(pip, "install", "-q", f"{ROOT}[dev]")
    stamp.write_text(wanted)


def ensure_node_modules() -> None:
    if not (ROOT / "package.json").exists():
        return
    stamp = ROOT / "node_modules" / ".installed"
    wanted = fingerprint(ROOT / "package.json", ROOT / "package-lock.json")
    if stamp.exists() and stamp.read_text() == wanted:
        return
    step("installing front-end packages (npm ci)")
    run("npm", "ci", "--no-audit", "--no-fund", cwd=ROOT)
    stamp.write_text(wanted)


def ensure_frontend_assets() -> None:
    """Copy the npm packages into the dashboard's static files (`npm run build`)."""
    if not (ROOT / "package.json").exists():
        return
    vendor = ROOT / "dashboard" / "static" / "dashboard" / "vendor"
    stamp = vendor / ".built"  # a dot file: collectstatic ignores it
    wanted = fingerprint(ROOT / "package-lock.json", ROOT / "dashboard" / "build_assets.mjs")
    if stamp.exists() and stamp.read_text() == wanted:
        return
    step("building front-end assets (npm run build)")
    run("npm", "run", "--silent", "build", cwd=ROOT)
    stamp.write_text(wanted)


def ensure_compiled_messages() -> None:
    """Compile each translation catalog (locale/<lang>/LC_MESSAGES/django.po) when it changed."""
    for catalog in (ROOT / "locale").glob("*/LC_MESSAGES/*.po"):
        compiled = catalog.with_suffix(".mo")
        if compiled.exists() and compiled.stat().st_mtime >= catalog.stat().st_mtime:
            continue
        step(f"compiling {catalog.relative_to(ROOT)}")
        run("msgfmt", "--check-format", "-o", str(compiled), str(catalog))


# --- services ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def psql_url(database_url: str, dbname: str | None = None) -> str:
    parts = urlsplit(database_url)
    path = f"/{dbname}" if dbname else parts.path
    return urlunsplit(("postgresql", parts.netloc, path, parts.query, ""))


def psql(url: str, sql: str) -> str:
    result = subprocess.run(  # noqa: S603
        ["psql", url, "-v", "ON_ERROR_STOP=1", "-tAqc", sql],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=20,
    )
    if result.returncode != 0:
        raise SetupError(f"PostgreSQL refused `{sql}`: {result.stderr.strip()}")
    return result.stdout.strip()


def postgres_answers(database_url: str) -> bool:
    result = subprocess.run(  # noqa: S603
        ["psql", psql_url(database_url, "postgres"), "-tAqc", "select 1"],  # noqa: S607
        capture_output=True,
        text=True,
        timeout=10,
    )
    return result.returncode == 0


def start_own_postgres(name: str = "postgres", options: dict[str, str] | None = None) -> str:
    """A cluster under .local/<name> on a free port, owned by the postgres user when root."""
    bindir = Path("/usr/lib/postgresql") / installed_postgres_major() / "bin"
    if not (bindir / "initdb").exists():
        raise SetupError(
            "PostgreSQL is not running and its server is not installed: install "
            "postgresql and postgresql-postgis-3, or set DATABASE_URL to a PostGIS database."
        )
    datadir = LOCAL / name
    port_file = LOCAL / f"{name}.port"
    as_owner: list[str] = []
    if os.geteuid() == 0:
        as_owner = ["runuser", "-u", "postgres", "--"]
    if not (datadir / "PG_VERSION").exists():
        step(f"initialising a PostgreSQL cluster in {datadir}")
        datadir.mkdir(parents=True, exist_ok=True)
        if as_owner:
            shutil.chown(datadir, "postgres", "postgres")
        run(
            *as_owner,
            str(bindir / "initdb"),
            "-D",
            str(datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C.UTF-8",
            stdout=subprocess.DEVNULL,
        )
    port = int(port_file.read_text()) if port_file.exists() else free_port()
    url = f"postgis://postgres@127.0.0.1:{port}/o2o"
    if not postgres_answers(url):
        step(f"starting PostgreSQL on 127.0.0.1:{port}")
        run(
            *as_owner,
            str(bindir / "pg_ctl"),
            "-D",
            str(datadir),
            "-l",
            str(datadir / "server.log"),
            "-w",
            "-o",
            " ".join(
                [f"-p {port} -c listen_addresses=127.0.0.1 -k {datadir}"]
                + [f"-c {key}={value}" for key, value in (options or {}).items()]
            ),
            "start",
            stdout=subprocess.DEVNULL,
        )
        port_file.write_text(str(port))
    return url


def redis_answers(redis_url: str) -> bool:
    parts = urlsplit(redis_url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith((b"+PONG", b"-NOAUTH"))
    except OSError:
        return False


def start_own_redis() -> str:
    datadir = LOCAL / "redis"
    port_file = LOCAL / "redis.port"
    port = int(port_file.read_text()) if port_file.exists() else free_port()
    url = f"redis://127.0.0.1:{port}/0"
    if not redis_answers(url):
        step(f"starting Redis on 127.0.0.1:{port}")
        datadir.mkdir(parents=True, exist_ok=True)
        run(
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--daemonize",
            "yes",
            "--dir",
            str(datadir),
            "--save",
            "",
            "--appendonly",
            "no",
            "--logfile",
            str(datadir / "redis.log"),
            "--pidfile",
            str(datadir / "redis.pid"),
        )
        for _ in range(50):
            if redis_answers(url):
                break
            time.sleep(0.1)
        port_file.write_text(str(port))
    return url


def ensure_database(database_url: str) -> None:
    dbname = urlsplit(database_url).path.lstrip("/") or "o2o"
    if not re.fullmatch(r"[A-Za-z0-9_]+", dbname):
        raise SetupError(f"Use a database name of letters, digits and _ only, not {dbname!r}.")
    maintenance = psql_url(database_url, "postgres")
    exists = psql(maintenance, f"select 1 from pg_database where datname = '{dbname}'")  # noqa: S608
    if not exists:
        step(f"creating database {dbname}")
        psql(maintenance, f'create database "{dbname}"')
    for extension in EXTENSIONS:
        psql(psql_url(database_url), f"create extension if not exists {extension}")


def resolve_services() -> dict[str, str]:
    database_url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    if not postgres_answers(database_url):
        print(f"    no PostgreSQL answers at {database_url}; starting one of our own")
        database_url = start_own_postgres()
    ensure_database(database_url)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    if not redis_answers(redis_url):
        print(f"    no Redis answers at {redis_url}; starting one of our own")
        redis_url = start_own_redis()
    return {"DATABASE_URL": database_url, "REDIS_URL": redis_url}


# `make bench` measures on a cluster of its own, sized like a database server rather than
# like a developer's default install (128 MB of shared buffers would not hold the indexes of
# a million shops, and the figures would measure cache misses).
BENCH_POSTGRES = {
    "shared_buffers": "4GB",
    "effective_cache_size": "12GB",
    "jit": "off",
    "work_mem": "16MB",
    "max_connections": "40",
}


def main(argv: list[str]) -> int:
    extra = [arg for arg in argv if not arg.startswith("-")]
    try:
        ensure_system_packages(extra)
        ensure_virtualenv()
        ensure_node_modules()
        ensure_frontend_assets()
        ensure_compiled_messages()
        services = resolve_services()
        if "--bench" in argv:
            bench_url = start_own_postgres("bench-postgres", BENCH_POSTGRES)
            ensure_database(bench_url)
            (LOCAL / "bench.env").write_text(f"DATABASE_URL={bench_url}\n")
    except SetupError as error:
        print(f"setup stopped: {error}", file=sys.stderr)
        return 1
    except subprocess.CalledProcessError as error:
        print(
            f"setup stopped: `{' '.join(map(str, error.cmd))}` failed (exit {error.returncode});"
            " its output is above.",
            file=sys.stderr,
        )
        return 1
    LOCAL.mkdir(exist_ok=True)
    secrets_file = LOCAL / "secrets.env"
    _, generated = local_secrets.ensure(secrets_file, environ={})
    if generated:
        step(f"generated {', '.join(generated)} into {secrets_file.relative_to(ROOT)} (kept)")
    lines = [f"{key}={value}" for key, value in services.items()]
    (LOCAL / "services.env").write_text("\n".join(lines) + "\n")
    step(f"services ready: {', '.join(lines)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
