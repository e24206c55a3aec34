"""A smoke test of `make run`: the launcher on a fresh data folder, no servers configured."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import postgres_processes

BASE_DIR = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 180


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own local server
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.slow
def test_make_run_serves_the_address_book_and_stops_cleanly(tmp_path):
    # given a fresh data folder and no DATABASE_URL or REDIS_URL, as on a new laptop
    port = free_port()
    data_dir = tmp_path / "data"
    drop = {"DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "DEBUG", "SECRET_KEY"}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(
        DATA_DIR=str(data_dir), RUN_ADDRESS=f"127.0.0.1:{port}", DJANGO_SETTINGS_MODULE="config.settings.base"
    )
    log = (tmp_path / "run.log").open("w")
    launcher = subprocess.Popen(
        [sys.executable, "-m", "config.local_run"],
        cwd=BASE_DIR,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        # when it has started
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while True:
            assert launcher.poll() is None, (tmp_path / "run.log").read_text()
            try:
                if get(f"{base}/healthz")[0] == 200:
                    break
            except OSError:
                pass
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()
            time.sleep(0.5)

        # then the probes and the admin login answer, and the login was printed
        ready_status, ready_body = get(f"{base}/readyz")
        login_status, login_page = get(f"{base}/admin/login/")
        assert (ready_status, login_status) == (200, 200), ready_body
        assert '"database": "ok"' in ready_body
        assert '"broker": "ok"' in ready_body
        assert "Användarnamn" in login_page
        assert "Demo administrator: user 'admin'" in (tmp_path / "run.log").read_text()
        assert postgres_processes(data_dir)
    finally:
        # and Ctrl-C stops everything, the embedded database too
        launcher.send_signal(signal.SIGINT)
        exit_code = launcher.wait(timeout=60)
        log.close()
    assert exit_code == 0, (tmp_path / "run.log").read_text()
    deadline = time.monotonic() + 15
    while postgres_processes(data_dir) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not postgres_processes(data_dir)
