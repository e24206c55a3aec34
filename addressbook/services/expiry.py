"""The hourly expiry: records whose valid-to date has passed stop being routable."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Now

from addressbook.choices import Status
from addressbook.models import CodeSystem, FunctionAddress, Organization
from addressbook.services.addresses import function_addresses_deactivate
from addressbook.services.organizations import organizations_deactivate


@dataclass(frozen=True)
class ExpiryReport:
    """How many records one expiry run deactivated."""

    organizations: int
    function_addresses: int
    code_systems: int


@transaction.atomic
def records_expire(*, today: datetime.date) -> ExpiryReport:
    """Deactivate active records whose valid-to date has passed (the day itself still counts)."""
    expired = Q(status=Status.ACTIVE, valid_to__lt=today)
    organizations = organizations_deactivate(organizations=Organization.objects.filter(expired))
    addresses = function_addresses_deactivate(function_addresses=FunctionAddress.objects.filter(expired))
    code_systems = CodeSystem.objects.filter(expired).update(status=Status.INACTIVE, updated_at=Now())
    return ExpiryReport(organizations=organizations, function_addresses=addresses, code_systems=code_systems)
