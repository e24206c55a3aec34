"""Search: every word of a query, accent- and typo-tolerant, best matches first."""

from __future__ import annotations

import re

from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection
from django.db.models import F, FloatField, Q, QuerySet, Value
from django.db.models.functions import Coalesce

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
