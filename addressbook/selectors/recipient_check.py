"""The recipient check (adressbokskontroll): may a message for this participant go to this address?"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

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
    address = FunctionAddress.objects.with_identifier(identifier).select_related("organization").first()

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
    chain = [address.organization, *address.organization.ancestors()]
    within_validity = (address.valid_from is None or address.valid_from <= today) and (
        address.valid_to is None or address.valid_to >= today
    )
    if not (address.is_active and within_validity and all(org.is_active for org in chain)):
        return answer(RecipientCheckOutcome.REJECTED, RecipientCheckOutcome.INACTIVE)
    return answer(RecipientCheckOutcome.ACCEPTED, None)
