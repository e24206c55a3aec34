"""Writes to organisations: create/update with validation, and (de)activation of whole trees."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Now

from addressbook.choices import OrganizationType, Status
from addressbook.models import FunctionAddress, Organization


@transaction.atomic
def organization_save(*, organization: Organization) -> Organization:
    """Validate and save an organisation; a participant's new identifier reaches its sub-tree."""
    organization.full_clean()
    organization.save()
    if organization.type == OrganizationType.PARTICIPANT:
        # Sub-organisations are routed through their participant's identifier.
        (
            Organization.objects.filter(pk=organization.pk)
            .with_descendants()
            .exclude(pk=organization.pk)
            .exclude(participant_identifier=organization.participant_identifier)
            .update(participant_identifier=organization.participant_identifier, updated_at=Now())
        )
    return organization


@transaction.atomic
def organizations_deactivate(*, organizations: QuerySet[Organization]) -> int:
    """Deactivate organisations with their sub-organisations and function addresses.

    Nothing is deleted: a message service must still be able to tell "inactive" from
    "never existed". Returns the number of organisations that changed.
    """
    tree = organizations.with_descendants()
    FunctionAddress.objects.filter(organization__in=tree, status=Status.ACTIVE).update(
        status=Status.INACTIVE, updated_at=Now()
    )
    return tree.filter(status=Status.ACTIVE).update(status=Status.INACTIVE, updated_at=Now())


@transaction.atomic
def organizations_activate(*, organizations: QuerySet[Organization]) -> int:
    """Activate the given organisations (not their sub-trees: those are reactivated one by one)."""
    return organizations.filter(status=Status.INACTIVE).update(status=Status.ACTIVE, updated_at=Now())
