"""Writes to organisations: create and update with validation, keeping the sub-tree consistent."""

from __future__ import annotations

from django.db import transaction
from django.db.models.functions import Now

from addressbook.models import Organization
from addressbook.services.lifecycle import organizations_deactivate


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
