"""The server under test: gunicorn as production runs it, on loopback, started and stopped here.

``gunicorn config.wsgi --workers BENCH_WORKERS`` (sync workers, as in the README's
deployment) with the production settings read from the environment (``server_environment``):
DEBUG off, a SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, PostgreSQL and Redis. Only what plain HTTP
on loopback needs differs: no redirect to HTTPS, and an anonymous rate limit high enough
that throttling runs on every request (its history in Redis included) without refusing the
benchmark. DJANGO_SETTINGS_MODULE is ``bench.settings``: production's, with one extra URL for
the framework's ceiling (see there).

``GunicornServer`` waits for ``/readyz``, samples its workers' memory and CPU time
(``ProcessSampler``), and stops the master and every worker when the run ends — also on
Ctrl-C or an error.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil

BASE_DIR = Path(__file__).resolve().parent.parent
MIB = 1024 * 1024


def server_environment(*, database_url: str, redis_url: str, media_root: str) -> dict[str, str]:
    """The environment of the server (and of the harness's in-process scenarios)."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        DEBUG="false",
        SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1",
        # Plain HTTP on loopback: no redirect to HTTPS. Secure cookies stay on (the API sets none).
        SECURE_SSL_REDIRECT="false",
        # The rate limit is checked on every request but never refuses one. A one-second window,
        # so that a limiter keeping every request's time (DRF's own) holds one second of them.
        API_ANONYMOUS_RATE=os.environ.get("BENCH_ANONYMOUS_RATE", "1000000/s"),
        API_REQUIRE_TOKEN="false",  # noqa: S106 - a switch, not a password
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        MEDIA_ROOT=media_root,
        PYTHONUNBUFFERED="1",
    )
    return env


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GunicornServer:
    """gunicorn on 127.0.0.1 with ``workers`` sync workers; a context manager."""

    def __init__(self, *, env: dict[str, str], workers: int, log_path: Path, port: int | None = None):
        self.env, self.workers, self.log_path = env, workers, log_path
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def command(self) -> list[str]:
        from gunicorn.config import KNOWN_SETTINGS

        # Newer gunicorns open a control socket at one path per user (~/.gunicorn/gunicorn.ctl):
        # the benchmark's server must not take it from another gunicorn on the machine.
        private = (
            ["--no-control-socket"] if any(s.name == "control_socket_disable" for s in KNOWN_SETTINGS) else []
        )
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--worker-class",
            "sync",
            *private,
        ]

    def __enter__(self) -> GunicornServer:
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def start(self, timeout: float = 90) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 - our own command line
            self.command,
            cwd=BASE_DIR,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,  # its own process group: Ctrl-C reaches it through stop() only
        )
        log.close()
        try:
            self._wait_until_ready(timeout)
        except BaseException:  # not ready, or Ctrl-C meanwhile: no server is left behind
            self.stop()
            raise

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            if self._ready() and len(self.worker_processes()) == self.workers:
                return
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn was not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def _ready(self) -> bool:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        try:
            connection.request("GET", "/readyz")
            return connection.getresponse().status == 200
        except OSError:
            return False
        finally:
            connection.close()

    def worker_processes(self) -> list[psutil.Process]:
        if self.process is None or self.process.poll() is not None:
            return []
        try:
            return psutil.Process(self.process.pid).children()
        except psutil.NoSuchProcess:
            return []

    def stop(self, timeout: float = 30) -> None:
        """SIGTERM to the master (graceful), then SIGKILL to whatever of ours is left."""
        if self.process is None:
            return
        workers = self.worker_processes()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        _, alive = psutil.wait_procs(workers, timeout=10)
        for worker in alive:
            worker.kill()
        self.process = None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


class ProcessSampler:
    """Samples the RSS and CPU time of ``processes()`` every ``interval`` seconds.

    CPU time is counted per process from its first sample to its last, so a process that
    starts during the sampling (a database backend, a restarted worker) counts from zero, and
    one that ends counts up to its last sample.
    """

    def __init__(self, processes, interval: float = 0.25):
        self.processes, self.interval = processes, interval
        self.samples: list[dict[int, int]] = []
        self.times: list[float] = []  # time.monotonic() of each sample
        self.first_cpu: dict[int, float] = {}
        self.last_cpu: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> dict[int, int]:
        rss = {}
        for process in self.processes():
            with contextlib.suppress(psutil.Error):
                rss[process.pid] = process.memory_info().rss
                times = process.cpu_times()
                self.last_cpu[process.pid] = times.user + times.system
                self.first_cpu.setdefault(process.pid, 0.0 if self.samples else self.last_cpu[process.pid])
        self.samples.append(rss)
        self.times.append(time.monotonic())
        return rss

    def __enter__(self) -> ProcessSampler:
        self.before_rss = self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._stop.set()
        self._thread.join()
        self.after_rss = self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def report(self) -> dict:
        per_process = [value for sample in self.samples for value in sample.values()]
        return {
            "processes": len(self.last_cpu),
            "rss_max_mib": max(per_process, default=0) / MIB,
            "rss_total_max_mib": max((sum(sample.values()) for sample in self.samples), default=0) / MIB,
            "rss_before_mib": {str(pid): rss / MIB for pid, rss in self.before_rss.items()},
            "rss_after_mib": {str(pid): rss / MIB for pid, rss in self.after_rss.items()},
            "cpu_seconds": sum(self.last_cpu[pid] - self.first_cpu[pid] for pid in self.last_cpu),
        }


class DatabaseBackends:
    """The PostgreSQL server processes serving the bench database (when the server is local).

    Found through ``pg_stat_activity`` on a connection of its own, which it leaves out.
    """

    def __init__(self, url: str):
        import psycopg

        self.connection = psycopg.connect(url, autocommit=True)
        self.lock = threading.Lock()

    def __call__(self) -> list[psutil.Process]:
        with self.lock:
            rows = self.connection.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
        processes = []
        for (pid,) in rows:
            with contextlib.suppress(psutil.Error):
                processes.append(psutil.Process(pid))
        return processes

    def close(self) -> None:
        self.connection.close()
