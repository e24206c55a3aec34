"""Properties of the search normaliser, against the real PostgreSQL.

A search folds text twice, in SQL: the documents' triggers (``lower(unaccent(…))``, cut into
runs of letters and digits, models/search.py) and the query (selectors/search.py
``search_terms``). The two must agree, or a record is not found by its own name. Held here:
the typed words are exactly those of a Swedish reading of the text (``swedish_words``:
case and accents folded, as a Swede expects "Malmö" to be found by "malmo"), every one of them
is a word of the record's document, folding is idempotent, and a record is found by its
name, however cased or accented, and by the start of each of its words.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from django.db import connection
from hypothesis import example, given
from hypothesis import strategies as st

from addressbook.models import Organization
from addressbook.selectors.search import (
    MAX_SEARCH_WORDS,
    MIN_INNER_WORD,
    MIN_SEARCH_WORD,
    search,
    search_terms,
)
from tests.factories import OrganizationFactory
from tests.hypothesis_profiles import costly

pytestmark = pytest.mark.django_db

# Letters of Swedish names (and the accented ones of Finnish, Sami, German and French names
# in the directory) in both cases, digits, and the punctuation names and identifiers hold.
LETTERS = "abcdefghijklmnopqrstuvwxyzåäöéèüáàçñ"
ALPHABET = LETTERS + LETTERS.upper() + "0123456789"
words = st.text(ALPHABET, min_size=1, max_size=12)
separators = st.sampled_from([" ", " - ", ", ", ".", ":", "/", " & ", "–", "\t", "(", ") "])
texts = st.builds(
    lambda parts, seps: "".join(part + sep for part, sep in zip(parts, seps, strict=False)),
    st.lists(words, min_size=1, max_size=6),
    st.lists(separators, min_size=6, max_size=6),
)


def swedish_words(text: str) -> list[str]:
    """How a Swede reads a search: lower case, accents off (å, ä → a; ö → o; é → e), cut at
    anything but letters and digits; the first words of three characters or more, once each."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).lower()
    found = [word for word in re.split(r"[^a-z0-9]+", folded) if len(word) >= MIN_SEARCH_WORD]
    return list(dict.fromkeys(found))[:MAX_SEARCH_WORDS]


def typed_words(text: str) -> list[str]:
    return [term.word for term in search_terms(text)]


def document_words(organization: Organization) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(search_vector) FROM addressbook_organization WHERE id = %s",
            [organization.pk],
        )
        return set(cursor.fetchone()[0])


@given(texts)
@example("Malmö stad – Socialtjänsten, barn och unga")
@example("ÅÄÖ-gruppen: Ärendehantering/Öppenvård")
def test_the_words_of_a_search_are_those_a_swede_reads_in_it(text):
    assert typed_words(text) == swedish_words(text)


@given(texts)
def test_folding_a_search_again_changes_nothing(text):
    folded = typed_words(text)

    assert typed_words(" ".join(folded)) == folded
    assert typed_words(text.upper()) == typed_words(text.lower()) == folded


@costly()
@given(texts)
@example("Region Skåne Psykiatri Öst")
def test_every_word_of_a_search_for_a_name_is_a_word_of_its_document(text):
    organization = OrganizationFactory(name=text[:256])

    assert set(typed_words(text[:256])) <= document_words(organization)


def found(name: str, text: str) -> bool:
    organization = OrganizationFactory(name=name)
    return search(Organization.objects.all(), text).filter(pk=organization.pk).exists()


@costly()
@given(texts.filter(lambda text: swedish_words(text)), st.booleans())
@example("Vårdcentralen Åhus", True)
def test_a_record_is_found_by_its_name_however_it_is_cased(name, upper):
    assert found(name, name.upper() if upper else name.lower())


@costly()
@given(texts.filter(lambda text: swedish_words(text)))
@example("Östra Göinge kommun")
def test_a_record_is_found_by_its_name_without_accents(name):
    assert found(name, " ".join(swedish_words(name)))


@costly()
@given(st.text(LETTERS, min_size=MIN_INNER_WORD, max_size=80), st.data())
@example("socialförvaltningen", None)
# A word longer than the dictionary keeps (64 letters), typed by its start.
@example("a" * 70, None)
def test_a_record_is_found_by_the_start_of_its_word(word, data):
    length = MIN_INNER_WORD if data is None else data.draw(st.integers(MIN_INNER_WORD, len(word)), label="n")

    assert found(f"Enhet {word}", word[:length])
