"""Giving and taking staff roles (the admin's door follows them)."""

from __future__ import annotations

from django.db import transaction

from addressbook.models import StaffRole


@transaction.atomic
def staff_role_save(*, staff_role: StaffRole) -> StaffRole:
    """Saves a role and opens the admin to its holder."""
    staff_role.full_clean()
    staff_role.save()
    user = staff_role.user
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    return staff_role


@transaction.atomic
def staff_role_delete(*, staff_role: StaffRole) -> None:
    """Takes a role away; the admin closes to its holder unless they are a superuser."""
    user = staff_role.user
    staff_role.delete()
    if user.is_staff and not user.is_superuser:
        user.is_staff = False
        user.save(update_fields=["is_staff"])
