"""The recipient check (adressbokskontroll): may a message for this participant go to this address?"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import BooleanField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from addressbook import constants
from addressbook.choices import Status
from addressbook.models import FunctionAddress, Organization
from addressbook.validators import participant_identifier_for_lookup


class RecipientCheckOutcome:
    """The outcomes of a recipient check, named as SDK's receipts name the rejections."""

    ACCEPTED = "accepted"
    REJECTED = "rejected"
    NOT_FOUND = "not-found"
    INACTIVE = "inactive"
    SECURITY = "security"


@dataclass(frozen=True)
class RecipientCheck:
    """The answer to "may a message for this participant go to this function address?"."""

    participant_identifier: str
    identifier: str
    outcome: str
    reason: str | None
    address: FunctionAddress | None
    organization: Organization | None


def recipient_check(*, participant_identifier: str, identifier: str) -> RecipientCheck:
    """Check a message's recipient against the address book (adressbokskontroll).

    ``not-found``: no such function address. ``security``: it exists but belongs to another
    participant (checked before activity, so a misrouted message is always called out).
    ``inactive``: the address, its organisation or its participant is inactive.
    """
    participant = participant_identifier_for_lookup(participant_identifier)
    address = (
        FunctionAddress.objects.with_identifier(identifier)
        .select_related("organization")
        .annotate(organizations_active=_organization_chain_active())
        .first()
    )

    def answer(outcome: str, reason: str | None) -> RecipientCheck:
        return RecipientCheck(
            participant_identifier=participant,
            identifier=identifier.strip(),
            outcome=outcome,
            reason=reason,
            address=address,
            organization=address.organization if address else None,
        )

    if address is None:
        return answer(RecipientCheckOutcome.REJECTED, RecipientCheckOutcome.NOT_FOUND)
    if address.organization.participant_identifier != participant:
        return answer(RecipientCheckOutcome.REJECTED, RecipientCheckOutcome.SECURITY)
    today = timezone.localdate()
    within_validity = (address.valid_from is None or address.valid_from <= today) and (
        address.valid_to is None or address.valid_to >= today
    )
    if not (address.is_active and within_validity and address.organizations_active):
        return answer(RecipientCheckOutcome.REJECTED, RecipientCheckOutcome.INACTIVE)
    return answer(RecipientCheckOutcome.ACCEPTED, None)


def _organization_chain_active() -> RawSQL:
    """Whether the address's organisation and every organisation above it are active.

    Read with the address, in the same statement: a unit deep in a region's tree would
    otherwise cost a query per level on every check.
    """
    organizations = Organization._meta.db_table
    return RawSQL(  # noqa: S611 - table names and a constant only
        f"""
        WITH RECURSIVE chain(parent_id, status, depth) AS (
            SELECT parent_id, status, 1 FROM {organizations}
            WHERE id = {FunctionAddress._meta.db_table}.organization_id
            UNION ALL
            SELECT o.parent_id, o.status, chain.depth + 1
            FROM {organizations} o JOIN chain ON o.id = chain.parent_id
            WHERE chain.depth < {constants.MAX_TREE_DEPTH}
        )
        SELECT bool_and(status = %s) FROM chain
        """,  # noqa: S608
        [Status.ACTIVE],
        output_field=BooleanField(),
    )
