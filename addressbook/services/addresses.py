"""Writes to function addresses: validation, (de)activation and expiry."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from addressbook.choices import Status
from addressbook.models import FunctionAddress


class InactiveOrganizationError(ValueError):
    """Activation refused: the address's organisation is inactive."""


@transaction.atomic
def function_address_save(*, function_address: FunctionAddress) -> FunctionAddress:
    """Validate and save a function address."""
    function_address.full_clean()
    function_address.save()
    return function_address


@transaction.atomic
def function_addresses_deactivate(*, function_addresses: QuerySet[FunctionAddress]) -> int:
    """Deactivate function addresses (never delete them). Returns how many changed."""
    return function_addresses.filter(status=Status.ACTIVE).update(status=Status.INACTIVE, updated_at=Now())


@transaction.atomic
def function_addresses_activate(*, function_addresses: QuerySet[FunctionAddress]) -> int:
    """Activate function addresses; refused as a whole if any belongs to an inactive organisation."""
    blocked = function_addresses.exclude(organization__status=Status.ACTIVE)
    if blocked.exists():
        names = ", ".join(str(a) for a in blocked[:5])
        raise InactiveOrganizationError(
            _("Nothing was activated: some addresses belong to inactive organisations, e.g. %(names)s")
            % {"names": names}
        )
    return function_addresses.filter(status=Status.INACTIVE).update(status=Status.ACTIVE, updated_at=Now())


@transaction.atomic
def function_addresses_expire(*, today: datetime.date) -> int:
    """Deactivate active addresses whose valid-to date has passed. Safe to run any number of times."""
    expired = FunctionAddress.objects.filter(status=Status.ACTIVE, valid_to__lt=today)
    return expired.update(status=Status.INACTIVE, updated_at=Now())
