"""Celery tasks: wiring and run-twice safety."""

from __future__ import annotations

import datetime

import pytest
from django.conf import settings
from django.utils import timezone
from pghistory.models import Events

from addressbook.choices import Status
from addressbook.models import CodeSystem, FunctionAddress, Organization
from addressbook.tasks import expire_records_task
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
