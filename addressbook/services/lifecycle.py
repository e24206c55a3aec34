"""Status changes: activation, deactivation and expiry of directory records.

Nothing is ever deleted: a message service must be able to tell "inactive" from "never
existed". Every function here is one UPDATE per table, recorded in the history by trigger,
and safe to run again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext as _

from addressbook.choices import OrganizationType, Status
from addressbook.models import CodeSystem, FunctionAddress, Organization

# How many offending records an error message names.
NAMES_IN_MESSAGE = 5


class ActivationRefusedError(ValueError):
    """Nothing was activated: some record would be active under an inactive organisation."""


def _refuse_if_any(blocked: QuerySet, message: str) -> None:
    names = [str(record) for record in blocked[:NAMES_IN_MESSAGE]]
    if names:
        raise ActivationRefusedError(message % {"names": ", ".join(names)})


@transaction.atomic
def organizations_deactivate(*, organizations: QuerySet[Organization]) -> int:
    """Deactivate organisations with their sub-organisations and function addresses.

    Returns how many organisations (sub-organisations included) changed.
    """
    tree = organizations.with_descendants()
    FunctionAddress.objects.filter(organization__in=tree, status=Status.ACTIVE).update(
        status=Status.INACTIVE, updated_at=Now()
    )
    return tree.filter(status=Status.ACTIVE).update(status=Status.INACTIVE, updated_at=Now())


@transaction.atomic
def organizations_activate(*, organizations: QuerySet[Organization]) -> int:
    """Activate organisations (not their sub-trees: those are reactivated by choice).

    Refused as a whole if a sub-organisation would be active under an inactive parent that is
    not activated with it.
    """
    _refuse_if_any(
        organizations.filter(type=OrganizationType.SUB_ORGANIZATION)
        .exclude(parent__status=Status.ACTIVE)
        .exclude(parent__in=organizations),
        _("Nothing was activated: the parent organisation of these is inactive: %(names)s"),
    )
    return organizations.filter(status=Status.INACTIVE).update(status=Status.ACTIVE, updated_at=Now())


@transaction.atomic
def function_addresses_deactivate(*, function_addresses: QuerySet[FunctionAddress]) -> int:
    """Deactivate function addresses. Returns how many changed."""
    return function_addresses.filter(status=Status.ACTIVE).update(status=Status.INACTIVE, updated_at=Now())


@transaction.atomic
def function_addresses_activate(*, function_addresses: QuerySet[FunctionAddress]) -> int:
    """Activate function addresses; refused as a whole if any belongs to an inactive organisation."""
    _refuse_if_any(
        function_addresses.exclude(organization__status=Status.ACTIVE),
        _("Nothing was activated: some addresses belong to inactive organisations, e.g. %(names)s"),
    )
    return function_addresses.filter(status=Status.INACTIVE).update(status=Status.ACTIVE, updated_at=Now())


@transaction.atomic
def function_addresses_confirm(*, function_addresses: QuerySet[FunctionAddress], user) -> int:
    """Note that an administrator confirmed these addresses are staffed and correct, now."""
    return function_addresses.update(confirmed_at=Now(), confirmed_by=user)


def function_addresses_unconfirmed(*, months: int) -> QuerySet[FunctionAddress]:
    """Active addresses nobody has confirmed or changed for about ``months`` months: to be checked."""
    since = timezone.localdate() - datetime.timedelta(days=round(months * 30.44))
    return FunctionAddress.objects.filter(status=Status.ACTIVE, updated_at__date__lt=since).filter(
        Q(confirmed_at__isnull=True) | Q(confirmed_at__date__lt=since)
    )


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
