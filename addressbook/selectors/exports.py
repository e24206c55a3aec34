"""What a spreadsheet export lists: the records a user may export, in the file's order."""

from __future__ import annotations

from django.db.models import QuerySet

from addressbook.choices import ImportResource
from addressbook.models import Code, FunctionAddress, Organization


def export_records(*, resource: str, user) -> QuerySet:
    """The records of ``resource`` that ``user`` may export: organisation administrators their own.

    Codes are reference data every administrator reads, so everyone exports them all.
    """
    if resource == ImportResource.ORGANIZATIONS:
        return (
            Organization.objects.administered_by(user)
            .select_related("parent", "connection")
            .order_by("participant_identifier", "type", "name")
        )
    if resource == ImportResource.ADDRESSES:
        return (
            FunctionAddress.objects.administered_by(user)
            .select_related("organization")
            .prefetch_related("codes__code_system")
            .order_by("organization__participant_identifier", "identifier")
        )
    return Code.objects.select_related("code_system", "parent").order_by("code_system__identifier", "code")
