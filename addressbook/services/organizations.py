"""Writes to organisations: save with validation, activate and deactivate with their sub-trees.

Nothing is ever deleted: a message service must be able to tell "inactive" from "never
existed". Status changes are one UPDATE per table, recorded in the history by trigger, and
safe to run again.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Now
from django.utils.translation import gettext as _

from addressbook.choices import OrganizationType, Status
from addressbook.models import FunctionAddress, Organization

# How many offending records an error message names.
NAMES_IN_MESSAGE = 5


class ActivationRefusedError(ValueError):
    """Nothing was activated: some record would be active under an inactive organisation."""


def refuse_if_any(blocked: QuerySet, message: str) -> None:
    """Raise ActivationRefusedError naming the first few ``blocked`` records, if there are any."""
    names = [str(record) for record in blocked[:NAMES_IN_MESSAGE]]
    if names:
        raise ActivationRefusedError(message % {"names": ", ".join(names)})


@transaction.atomic
def organization_save(*, organization: Organization) -> Organization:
    """Validate and save an organisation.

    A participant's new identifier reaches its whole sub-tree (sub-organisations are routed
    through it), as does a sub-organisation's moved under another participant; an
    organisation set inactive takes its sub-tree and addresses with it.
    """
    organization.validate_for_save()
    organization.save()
    this = Organization.objects.filter(pk=organization.pk)
    (
        this.with_descendants()
        .exclude(participant_identifier=organization.participant_identifier)
        .update(participant_identifier=organization.participant_identifier, updated_at=Now())
    )
    if not organization.is_active:
        organizations_deactivate(organizations=this)
    return organization


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
    refuse_if_any(
        organizations.filter(type=OrganizationType.SUB_ORGANIZATION)
        .exclude(parent__status=Status.ACTIVE)
        .exclude(parent__in=organizations),
        _("Nothing was activated: the parent organisation of these is inactive: %(names)s"),
    )
    return organizations.filter(status=Status.INACTIVE).update(status=Status.ACTIVE, updated_at=Now())
