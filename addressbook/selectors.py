"""Reads shared by the API, the admin and exports: search and the recipient check."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from addressbook.models import Change, FunctionAddress, Organization
from addressbook.validators import participant_identifier_for_lookup

# A search is a handful of words; more is a paste accident or an attack on the database.
MAX_SEARCH_WORDS = 8
MAX_SEARCH_LENGTH = 200
# Shorter words match nearly everything and cost a scan of the whole table: they are skipped.
MIN_SEARCH_WORD = 3
_WORD = re.compile(r"[\w:.@-]+")


def search_words(text: str) -> list[str]:
    """The words of a search, normalised like the search documents: lower case, no accents."""
    text = text[:MAX_SEARCH_LENGTH]
    with connection.cursor() as cursor:
        # The database's unaccent, so query and documents are folded by the same rules.
        cursor.execute("SELECT lower(unaccent(%s))", [text])
        (folded,) = cursor.fetchone()
    return [word for word in _WORD.findall(folded) if len(word) >= MIN_SEARCH_WORD][:MAX_SEARCH_WORDS]


def search(queryset: QuerySet, text: str) -> QuerySet:
    """Records whose search document matches every word, exactly or nearly; best first.

    A word matches as a substring ("malmo" in "malmo stad") or, to forgive typos, by trigram
    word similarity ("vardcentarl" ~ "vardcentralen"). Results are ranked by how well all the
    words match, then by name.
    """
    words = search_words(text)
    if not words:  # nothing searchable (only words under three characters) finds nothing
        return queryset.none()
    score = Value(0.0, output_field=FloatField())
    for word in words:
        queryset = queryset.filter(
            Q(search_document__contains=word) | Q(search_document__trigram_word_similar=word)
        )
        score = score + Coalesce(TrigramWordSimilarity(Value(word), "search_document"), 0.0)
    return queryset.annotate(search_rank=score).order_by(F("search_rank").desc(), "name", "id")


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


def latest_change_sequence() -> int:
    """The highest sequence number the change feed has handed out (0 before the first)."""
    return (
        Change.objects.exclude(sequence=None).order_by("-sequence").values_list("sequence", flat=True).first()
        or 0
    )
