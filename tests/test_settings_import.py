"""Reading the settings has no side effects: no database server started, no folder created.

What runs the project (make run, make test, manage.py) starts the embedded PostgreSQL; the
Celery app creates the file-system broker's folders when a process first uses Celery.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from config import embedded_postgres
from tests.conftest import postgres_processes

BASE_DIR = Path(__file__).resolve().parent.parent

READ_SETTINGS = """
import json, os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
from django.conf import settings
settings.INSTALLED_APPS
print(json.dumps({"broker": settings.CELERY_BROKER_URL, "options": settings.CELERY_BROKER_TRANSPORT_OPTIONS,
                  "results": settings.CELERY_RESULT_BACKEND}))
"""

SEND_TASK = """
import os
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
import django
django.setup()
from addressbook.tasks import expire_records_task
print(expire_records_task.delay().id)
"""


def run_python(code: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    """``code`` in a fresh interpreter, with no DATABASE_URL (nor owner's) or REDIS_URL unless given."""
    drop = {"DATABASE_URL", "DATABASE_OWNER_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "XDG_RUNTIME_DIR"}
    clean = {k: v for k, v in os.environ.items() if k not in drop}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**clean, "DATA_DIR": str(data_dir), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_without_database_url_reading_the_settings_starts_no_server(tmp_path):
    # given no DATABASE_URL or REDIS_URL and an empty data folder
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    # when the settings are read
    result = run_python(READ_SETTINGS, data_dir)

    # then they refuse, saying what to do, and nothing was started or created
    assert result.returncode != 0, result.stdout
    assert "ImproperlyConfigured: DATABASE_URL is not set" in result.stderr, result.stderr
    assert "make run" in result.stderr
    assert list(data_dir.iterdir()) == []
    assert not postgres_processes(data_dir)


def test_without_redis_url_reading_the_settings_creates_no_broker_folders(tmp_path):
    # given a database (never connected to here) and no REDIS_URL
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    # when the settings are read
    result = run_python(READ_SETTINGS, data_dir, DATABASE_URL="postgres://nobody@127.0.0.1:1/nowhere")

    # then the file-system broker is configured under DATA_DIR, but no folder is created
    assert result.returncode == 0, result.stderr
    assert '"broker": "filesystem://"' in result.stdout
    assert str(data_dir / "celery" / "broker") in result.stdout
    assert list(data_dir.iterdir()) == []
    assert not postgres_processes(data_dir)


def test_without_redis_url_a_web_process_can_send_a_task(tmp_path):
    # given no REDIS_URL and an empty data folder, as in a web process on a laptop
    data_dir = tmp_path / "data"
    data_dir.mkdir()

    # when a task is sent (Celery loads its configuration, then kombu writes the message)
    result = run_python(SEND_TASK, data_dir, DATABASE_URL="postgres://nobody@127.0.0.1:1/nowhere")

    # then the broker's folders were created on the way, and the message is in its queue folder
    assert result.returncode == 0, result.stderr
    assert (data_dir / "celery" / "control").is_dir()
    assert (data_dir / "celery" / "results").is_dir()
    assert [p.name for p in (data_dir / "celery" / "broker").iterdir() if p.name.endswith(".celery.msg")]


def test_ensure_database_url_keeps_a_configured_server(monkeypatch, tmp_path):
    # given DATABASE_URL is set
    monkeypatch.setenv("DATABASE_URL", "postgres://someone@db.example:5432/addressbook")

    def start(*args, **kwargs):
        raise AssertionError("must not start the embedded server")

    monkeypatch.setattr(embedded_postgres, "start", start)

    # when a runner makes sure of a database, then it is that one, and nothing was started
    assert embedded_postgres.ensure_database_url(tmp_path) == "postgres://someone@db.example:5432/addressbook"
    assert list(tmp_path.iterdir()) == []


def test_the_owner_and_the_application_must_be_roles_of_their_own(tmp_path):
    # given both URLs with the same user
    url = "postgres://addressbook@127.0.0.1:1/addressbook"

    # when the settings are read, then they refuse, naming both variables
    result = run_python(READ_SETTINGS, tmp_path, DATABASE_URL=url, DATABASE_OWNER_URL=url)
    assert result.returncode != 0
    assert "DATABASE_OWNER_URL and DATABASE_URL both connect as 'addressbook'" in result.stderr, result.stderr
