"""Writes to function addresses: create and update with validation."""

from __future__ import annotations

from django.db import transaction

from addressbook.models import FunctionAddress


@transaction.atomic
def function_address_save(*, function_address: FunctionAddress) -> FunctionAddress:
    """Validate and save a function address."""
    function_address.validate_for_save()
    function_address.save()
    return function_address
