"""Celery tasks: wiring and run-twice safety."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.conf import settings
from django.utils import timezone
from pghistory.models import Events

from addressbook.choices import Status
from addressbook.models import CodeSystem, FunctionAddress, Organization
from addressbook.tasks import (
    build_statistics_report_task,
    expire_records_task,
    preview_import_task,
    recover_abandoned_jobs_task,
)
from tests.factories import (
    CodeSystemFactory,
    FunctionAddressFactory,
    OrganizationFactory,
    SubOrganizationFactory,
)

pytestmark = pytest.mark.django_db


def test_expiry_deactivates_only_past_records_and_is_safe_to_run_twice(malmo):
    # given records that expired yesterday, expire today, or have no end
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    expired = FunctionAddressFactory(organization=malmo, valid_to=yesterday)
    last_day = FunctionAddressFactory(organization=malmo, valid_to=timezone.localdate())
    open_ended = FunctionAddressFactory(organization=malmo)
    closed_board = OrganizationFactory(valid_to=yesterday)
    its_unit = SubOrganizationFactory(parent=closed_board)
    its_address = FunctionAddressFactory(organization=its_unit)
    old_code_system = CodeSystemFactory(valid_to=yesterday)

    # when the task runs twice
    first = expire_records_task.apply().get()
    second = expire_records_task.apply().get()

    # then what expired is inactive (an organisation with its tree and its addresses, counted
    # with the organisation), and the second run changed nothing
    assert first == {"organizations": 2, "function_addresses": 1, "code_systems": 1}
    assert second == {"organizations": 0, "function_addresses": 0, "code_systems": 0}
    statuses = dict(FunctionAddress.objects.values_list("pk", "status"))
    assert [statuses[a.pk] for a in (expired, last_day, open_ended, its_address)] == [
        Status.INACTIVE,
        Status.ACTIVE,
        Status.ACTIVE,
        Status.INACTIVE,
    ]
    assert Organization.objects.get(pk=its_unit.pk).status == Status.INACTIVE
    assert CodeSystem.objects.get(pk=old_code_system.pk).status == Status.INACTIVE
    assert Events.objects.tracks(expired).order_by("pgh_id").last().pgh_context["channel"] == "system"


def test_expiry_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert expire_records_task.name in tasks


def test_jobs_whose_worker_died_are_looked_for_on_the_beat_schedule_every_lease():
    entries = {entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert entries[recover_abandoned_jobs_task.name] == settings.JOB_LEASE_SECONDS


@pytest.fixture
def production(monkeypatch):
    """The settings module as production reads it, with Redis as broker (read again afterwards)."""
    module = importlib.import_module("config.settings.base")
    monkeypatch.setenv("REDIS_URL", "redis://redis:6379/0")
    yield importlib.reload(module)
    monkeypatch.undo()
    importlib.reload(module)


def test_acknowledgement_time_limits_and_visibility_timeout_fit_together(production):
    longest_retry_countdown = 600  # Celery's retry_backoff_max, which our retrying tasks keep

    # then a task is acknowledged when it ends, a killed pool process is not requeued for ever,
    # the soft limit comes before the hard one, and no running or waiting task is handed to a
    # second worker by the broker before the hard limit has ended it
    assert production.CELERY_TASK_ACKS_LATE is True
    assert production.CELERY_TASK_REJECT_ON_WORKER_LOST is False
    assert production.CELERY_TASK_SOFT_TIME_LIMIT < production.CELERY_TASK_TIME_LIMIT
    assert (
        production.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        > production.CELERY_TASK_TIME_LIMIT + longest_retry_countdown
    )
    assert all(
        getattr(task, "retry_backoff_max", longest_retry_countdown) <= longest_retry_countdown
        for task in (preview_import_task, build_statistics_report_task, recover_abandoned_jobs_task)
    )
