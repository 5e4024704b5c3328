"""Real processes for fault tests: a PostgreSQL cluster and a Redis of the test's own, which the
test stops and starts, and gunicorn serving the project against them."""

import contextlib
import http.client
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import ROOT, free_port, process_env, stop, wait_for_port

PG_BIN = (
    Path("/usr/lib/postgresql")
    / sorted((p.name for p in Path("/usr/lib/postgresql").glob("*") if p.name.isdigit()), key=int)[
        -1
    ]
    / "bin"
)
AS_POSTGRES = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []


class Postgres:
    """A throw-away cluster under .local/ (initdb refuses to run as root: it runs as postgres)."""

    def __init__(self) -> None:
        (ROOT / ".local").mkdir(exist_ok=True)
        self.datadir = Path(tempfile.mkdtemp(prefix="fault-pg-", dir=ROOT / ".local"))
        if AS_POSTGRES:
            shutil.chown(self.datadir, "postgres", "postgres")
        self.port = free_port()
        self.run(str(PG_BIN / "initdb"), "-D", str(self.datadir), "-U", "postgres",
                 "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8")  # fmt: skip
        self.start()

    def run(self, *cmd: str) -> None:
        subprocess.run([*AS_POSTGRES, *cmd], check=True, capture_output=True, timeout=120)

    def url(self, dbname: str = "postgres", scheme: str = "postgis") -> str:
        return f"{scheme}://postgres@127.0.0.1:{self.port}/{dbname}"

    def ctl(self, action: str, *extra: str) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.datadir}"
        self.run(str(PG_BIN / "pg_ctl"), "-D", str(self.datadir), "-l",
                 str(self.datadir / "server.log"), "-w", "-o", options, *extra, action)  # fmt: skip

    def start(self) -> None:
        self.ctl("start")

    def stop(self) -> None:
        self.ctl("stop", "-m", "fast")

    def restart(self) -> None:
        self.ctl("restart", "-m", "fast")

    def copy_database(self, source_url: str, name: str) -> str:
        """A copy of the database at source_url (schema, functions, triggers and rows)."""
        maintenance = f"--maintenance-db={self.url(scheme='postgresql')}"
        subprocess.run(["createdb", "-T", "template0", maintenance, name], check=True,
                       capture_output=True)  # fmt: skip
        dump = subprocess.run(["pg_dump", "--no-owner", "-Fc", source_url],
                              check=True, capture_output=True).stdout  # fmt: skip
        subprocess.run(["pg_restore", "--no-owner", "--exit-on-error", "-d",
                        self.url(name, scheme="postgresql")], input=dump, check=True,
                       capture_output=True)  # fmt: skip
        return self.url(name)

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):  # already stopped
            self.stop()
        shutil.rmtree(self.datadir, ignore_errors=True)


class Redis:
    def __init__(self) -> None:
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port, self.process)

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


class Silent:
    """A port that accepts connections and never answers: a hung server."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        threading.Thread(target=self.hold, daemon=True).start()

    def hold(self) -> None:
        while True:
            try:
                self.held.append(self.sock.accept()[0])
            except OSError:
                return

    def close(self) -> None:
        self.sock.close()
        for conn in self.held:
            conn.close()


def parsed(body: bytes):
    try:
        return json.loads(body or b"null")
    except ValueError:
        return body.decode(errors="replace")  # a page, not JSON


class Web:
    """gunicorn (platform/bin/web) with one worker, against the given services."""

    def __init__(self, **env: str) -> None:
        self.port = free_port()
        self.log = tempfile.TemporaryFile()  # noqa: SIM115  lives as long as the object
        self.process = subprocess.Popen(
            [str(ROOT / "platform" / "bin" / "web")],
            env=process_env(PORT=str(self.port), WEB_CONCURRENCY="1", WEB_THREADS="2", **env),
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for_port(self.port, self.process)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"gunicorn did not start:\n{self.output()}") from error

    def request(
        self,
        method: str,
        path: str,
        body: dict | None = None,
        token: str = "",
        headers: dict | None = None,
    ):
        """(status, JSON body). The timeout is the test's guard against a hang."""
        headers = {"Content-Type": "application/json", **(headers or {})}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{path}", data=data, method=method, headers=headers
        )
        try:
            with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310
                return response.status, parsed(response.read())
        except urllib.error.HTTPError as error:
            return error.code, parsed(error.read())

    def raw(self, method: str, path: str, headers: dict | None = None):
        """The response itself, redirects not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        conn.request(method, path, headers=headers or {})
        response = conn.getresponse()
        response.read()
        conn.close()
        return response

    def output(self) -> str:
        self.log.seek(0)
        return self.log.read().decode(errors="replace")

    def close(self) -> None:
        stop(self.process)
