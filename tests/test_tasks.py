"""Celery tasks: wiring and run-twice safety."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from pghistory.models import Events

from addressbook.tasks import expire_function_addresses_task
from tests.factories import FunctionAddressFactory

pytestmark = pytest.mark.django_db


def test_expiry_deactivates_only_past_addresses_and_is_safe_to_run_twice(malmo):
    # given one address that expired yesterday, one that expires today and one without end
    today = timezone.localdate()
    expired = FunctionAddressFactory(organization=malmo, valid_to=today - datetime.timedelta(days=1))
    last_day = FunctionAddressFactory(organization=malmo, valid_to=today)
    open_ended = FunctionAddressFactory(organization=malmo)

    # when the task runs twice
    first = expire_function_addresses_task.apply().get()
    second = expire_function_addresses_task.apply().get()

    # then only the expired one is inactive, and the second run changed nothing
    assert (first, second) == (1, 0)
    for address in (expired, last_day, open_ended):
        address.refresh_from_db()
    assert [expired.status, last_day.status, open_ended.status] == ["inactive", "active", "active"]
    event = Events.objects.tracks(expired).order_by("pgh_id").last()
    assert event.pgh_context["channel"] == "system"


def test_expiry_is_on_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert expire_function_addresses_task.name in tasks
