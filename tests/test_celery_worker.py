"""A real Celery worker, over the configured broker (Redis in CI), runs a task end to end."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from addressbook.choices import Status
from addressbook.models import FunctionAddress
from addressbook.tasks import expire_records_task
from tests.factories import FunctionAddressFactory, OrganizationFactory

BASE_DIR = Path(__file__).resolve().parent.parent


def database_url() -> str:
    db = settings.DATABASES["default"]
    socket = db.get("OPTIONS", {}).get("host", "")
    if socket:
        return f"postgresql://{db['USER']}:@/{db['NAME']}?host={socket}"
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker():
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        # Uploaded imports are files: the worker must find them where the web process put them.
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_expiry_task_sent_through_the_broker(worker):
    # given an address that expired yesterday (committed, so the worker sees it)
    address = FunctionAddressFactory(
        organization=OrganizationFactory(), valid_to=timezone.localdate() - datetime.timedelta(days=1)
    )

    # when the task is sent through the broker and a worker picks it up
    result = expire_records_task.delay().get(timeout=90)

    # then the worker reports and applies the change
    assert result["function_addresses"] == 1
    assert FunctionAddress.objects.get(pk=address.pk).status == Status.INACTIVE
