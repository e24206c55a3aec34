"""A smoke test of `make run`: the launcher on a fresh data folder, no servers configured."""

from __future__ import annotations

import os
import re
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
#: The launcher's box: a line of = between + signs above and below what matters.
BOX_BORDER = re.compile(r"^\+=+\+$", re.MULTILINE)
BOX_END = "Ctrl-C stops everything."
#: The default interval of sequence_changes, the most frequent periodic task (config/settings).
PERIODIC_SECONDS = 10


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
    run_log = tmp_path / "run.log"
    try:
        # when it has started: the box is printed (no requests until then, as their access-log
        # lines would come after it)
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while BOX_END not in run_log.read_text():
            assert launcher.poll() is None, run_log.read_text()
            assert time.monotonic() < deadline, run_log.read_text()
            time.sleep(0.5)
        # and longer than the most frequent periodic task's interval (sequence_changes, 10 s)
        time.sleep(PERIODIC_SECONDS + 2)
        started = run_log.read_text()

        # then what matters comes last, in a box: the URL and every demo login
        top, bottom = (match.span() for match in BOX_BORDER.finditer(started))
        before_box, box, after_box = started[: top[0]], started[top[0] : bottom[1]], started[bottom[1] :]
        assert not after_box.strip(), after_box
        password = (data_dir / "demo_admin_password").read_text().strip()
        for text in (f"http://127.0.0.1:{port}/admin/", "'admin'", "'malmo'", "'analytiker'", password):
            assert text in box, box
        assert password not in before_box
        # and nothing repeats every few seconds at the default log level
        assert "sequence_changes" not in started, started[-3000:]
        assert "AXES: BEGIN" not in started

        # and the probes and the admin login answer
        ready_status, ready_body = get(f"{base}/readyz")
        login_status, login_page = get(f"{base}/admin/login/")
        assert (ready_status, login_status) == (200, 200), ready_body
        assert '"database": "ok"' in ready_body
        assert '"broker": "ok"' in ready_body
        assert "Användarnamn" in login_page
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
