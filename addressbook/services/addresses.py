"""Writes to function addresses: save with validation, activate, deactivate, confirm staffing."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from addressbook.choices import Status
from addressbook.models import FunctionAddress
from addressbook.services.organizations import refuse_if_any


@transaction.atomic
def function_address_save(*, function_address: FunctionAddress) -> FunctionAddress:
    """Validate and save a function address."""
    function_address.validate_for_save()
    function_address.save()
    return function_address


@transaction.atomic
def function_addresses_deactivate(*, function_addresses: QuerySet[FunctionAddress]) -> int:
    """Deactivate function addresses. Returns how many changed."""
    return function_addresses.filter(status=Status.ACTIVE).update(status=Status.INACTIVE, updated_at=Now())


@transaction.atomic
def function_addresses_activate(*, function_addresses: QuerySet[FunctionAddress]) -> int:
    """Activate function addresses; refused as a whole if any belongs to an inactive organisation."""
    refuse_if_any(
        function_addresses.exclude(organization__status=Status.ACTIVE),
        _("Nothing was activated: some addresses belong to inactive organisations, e.g. %(names)s"),
    )
    return function_addresses.filter(status=Status.INACTIVE).update(status=Status.ACTIVE, updated_at=Now())


@transaction.atomic
def function_addresses_confirm(*, function_addresses: QuerySet[FunctionAddress], user) -> int:
    """Note that an administrator confirmed these addresses are staffed and correct, now."""
    return function_addresses.update(confirmed_at=Now(), confirmed_by=user)
