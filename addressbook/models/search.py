"""Search documents: the text a search matches, kept by PostgreSQL triggers.

Each organisation and function address carries ``search_document``: its own texts plus the
names of the organisations above it (and, for an address, the names of its codes), lower
case and without accents (``unaccent``). Triggers keep it current whatever path a write takes.
An organisation also keeps ``search_names``, the names of its whole parent chain, so that a
written row reads its organisation's (or parent's) one row instead of walking up the chain.

Search matches whole words, not the document's text, so that every word of a query is
narrowed by an index (see ``selectors.search``):

- ``search_vector``, a generated column, is the document's words (runs of letters and digits)
  as a ``tsvector``, with a GIN index: all words of a query, each as a word or a prefix, are
  found in one index scan, and the same column ranks the matches without re-reading the text.
- ``SearchWord``, the dictionary, holds every distinct word of all documents that begins with
  a letter, with a trigram index: a typed word that is no word of any document (a typo, or the
  middle of a compound word) is looked up there, and the close words found go into the query;
  so are the words a typed word begins, when they are few.
  Statement-level triggers add a statement's new words at once (one set-based INSERT … ON
  CONFLICT DO NOTHING per statement, so bulk loads stay linear); words are never removed by a
  trigger: a word no record has any more only costs a row, as a search for it finds nothing.
"""

from __future__ import annotations

import pgtrigger
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Func, Value
from django.utils.translation import gettext_lazy as _

ORGANIZATION_TABLE = "addressbook_organization"
ADDRESS_TABLE = "addressbook_functionaddress"
CLASSIFICATION_TABLE = "addressbook_functionaddresscode"
CODE_TABLE = "addressbook_code"
WORD_TABLE = "addressbook_searchword"


def search_document_field() -> models.TextField:
    return models.TextField(_("search document"), blank=True, default="", editable=False)


# What a word is, for documents, the dictionary and queries alike: a run of letters and digits.
# Punctuation separates ("lss-handlaggare", "0203:malmo.se"); the documents have no accents.
WORD_SEPARATORS = "[^[:alnum:]]+"
# Dictionary words: the targets of typo and inner-word matches, and what a typed word's start
# stands for (selectors.search asks for the words it begins rather than a GIN prefix scan, so
# every word that begins with a letter is here, digits after it included: "vasa2" for "vasa").
# Numbers and identifiers' digits are found by their exact words or prefixes only, so they stay
# out; so do one- and two-letter words (no typed word is compared with them) and absurdly long ones.
DICTIONARY_WORD = "^[[:alpha:]][[:alnum:]]{2,63}$"


def search_vector_field() -> models.GeneratedField:
    """The document's words as a tsvector: computed by PostgreSQL, never stale, never written."""
    words = Func(F("search_document"), Value(WORD_SEPARATORS), function="regexp_split_to_array")
    return models.GeneratedField(
        expression=Func(
            Func(words, Value(""), function="array_remove"),
            function="array_to_tsvector",
            output_field=SearchVectorField(),
        ),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("search words"),
    )


def search_vector_index(name: str) -> GinIndex:
    # filter[search]: every word of a query (word | prefix:* | dictionary words) in one GIN scan.
    return GinIndex(fields=["search_vector"], name=name)


class SearchWord(models.Model):
    """A word of some search document: the dictionary that typed words are corrected against."""

    word = models.CharField(_("word"), max_length=64, primary_key=True)

    class Meta:
        verbose_name = _("search word")
        verbose_name_plural = _("search words")
        ordering = ["word"]
        indexes = [
            # selectors.search: typo candidates (word similarity) and inner-word matches (LIKE)
            # (no fast update: new words are rare, and a pending list would be read on every search)
            GinIndex(
                OpClass(F("word"), name="gin_trgm_ops"), name="addressbook_word_trgm_idx", fastupdate=False
            ),
        ]

    def __str__(self) -> str:
        return self.word


# Dictionary words a typed word may stand for: those it is inside of (LIKE), and typo candidates
# (pg_trgm word similarity: some stretch of the word shares enough trigrams with the typed word;
# selectors.search then measures the edit distance). Both are trigram GIN lookups, but the
# planner, which knows neither that word similarity is costly per row nor how few words match,
# scans a dictionary of a few thousand words instead (8 ms against 0.3 ms per typed word):
# this function plans its one query with the index as the only way. Migration 0013 creates it
# from this text (migrations import no app code): a change here needs a migration. The
# caller passes letters only, so LIKE sees no wildcard of the user's. The threshold is below
# pg_trgm's default (0.6), which misses two letters swapped in a long word (0.57) and
# lets a swap in a seven-letter word score 0.375 ("vraberg" for "varberg").
CANDIDATES_FUNCTION = "addressbook_search_candidates"
CANDIDATES_SQL = f"""
CREATE OR REPLACE FUNCTION {CANDIDATES_FUNCTION}(typed text) RETURNS SETOF text
LANGUAGE sql STABLE STRICT
SET pg_trgm.word_similarity_threshold = 0.3
SET enable_seqscan = off
SET enable_indexscan = off
SET enable_indexonlyscan = off
AS $$
    SELECT word FROM {WORD_TABLE}
    WHERE word %> typed OR word LIKE '%' || typed || '%'
$$;
"""


def _add_new_words(rows: str) -> str:
    """SQL that adds the words of a statement's rows (a transition table) to the dictionary.

    Once per statement, whatever its size: the rows' distinct words in one INSERT (the pattern
    is tested on each distinct word once, not on every word of every row), each checked
    against the primary key (ON CONFLICT), never by a scan of the growing dictionary. A word
    that another open transaction has just added waits for it to end (a new word only, and
    only once); sorted, so that two statements adding the same new words wait in one order.
    """
    return f"""
        INSERT INTO {WORD_TABLE} (word)
        SELECT new_words.word
        FROM (SELECT DISTINCT unnest(tsvector_to_array(search_vector)) AS word FROM {rows}) AS new_words
        WHERE new_words.word ~ '{DICTIONARY_WORD}'
        ORDER BY 1
        ON CONFLICT DO NOTHING;
        RETURN NULL;
    """


def dictionary_triggers() -> list[pgtrigger.Trigger]:
    """Add new words of inserted and updated records to the dictionary, once per statement.

    PostgreSQL allows a transition table only on a trigger for one operation: two triggers.
    An update that leaves the document as it was (a status change) adds nothing: only rows
    whose words changed are read.
    """
    return [
        pgtrigger.Trigger(
            name="search_words_insert",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Insert,
            referencing=pgtrigger.Referencing(new="new_rows"),
            func=_add_new_words("new_rows"),
        ),
        pgtrigger.Trigger(
            name="search_words_update",
            level=pgtrigger.Statement,
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            referencing=pgtrigger.Referencing(old="old_rows", new="new_rows"),
            func=_add_new_words(
                "(SELECT n.search_vector FROM new_rows n JOIN old_rows o ON o.id = n.id"
                " WHERE n.search_vector IS DISTINCT FROM o.search_vector) AS changed"
            ),
        ),
    ]


def _wait_for_renames_and_read_names(organization_id_sql: str, into: str) -> str:
    """SQL that reads an organisation's ``search_names`` once an uncommitted rename of it has ended.

    Without the wait, a row written under an organisation that another transaction is renaming
    (or whose ancestor it is renaming: the cascade updates every organisation below) would keep
    the old names in its document, as the rename's cascade cannot see the new row. FOR SHARE
    conflicts with the rename's row lock, and once it is granted the row read is the new one.
    """
    return (
        f"SELECT search_names INTO {into} FROM {ORGANIZATION_TABLE}"
        f" WHERE id = {organization_id_sql} FOR SHARE;"
    )


def search_names_field() -> models.TextField:
    """An organisation's names and those of every organisation above it, kept by its triggers.

    What the documents of the organisations and addresses below it read: one row, not a walk
    up the parent chain per written row.
    """
    return models.TextField(_("search names"), blank=True, default="", editable=False)


def organization_search_triggers() -> list[pgtrigger.Trigger]:
    """Compute an organisation's names and document; refresh those below when its names change.

    ``search_names`` is the organisation's name and alternate name followed by its parent's
    ``search_names``: the names of the whole chain, nearest first. When it changes (a rename
    or a move), the cascade recomputes the organisations directly below, whose own change
    cascades further down, and the documents of the organisation's own addresses.
    """
    return [
        pgtrigger.Trigger(
            name="search_document",
            when=pgtrigger.Before,
            operation=pgtrigger.Insert | pgtrigger.Update,
            declare=[("parent_names", "text")],
            func=f"""
                {_wait_for_renames_and_read_names("NEW.parent_id", "parent_names")}
                NEW.search_names := concat_ws(' ', NEW.name, NEW.alternate_name, parent_names);
                NEW.search_document := lower(unaccent(concat_ws(' ',
                    NEW.name, NEW.alternate_name, NEW.participant_identifier, NEW.description, parent_names
                )));
                RETURN NEW;
            """,
        ),
        pgtrigger.Trigger(
            name="search_document_cascade",
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            condition=pgtrigger.AnyChange("search_names"),
            func=f"""
                -- Setting the document to NULL makes the BEFORE triggers compute it again; an
                -- organisation below whose names change then runs this trigger in its turn (the
                -- depth is bounded: prevent_parent_cycle refuses cycles before this runs).
                UPDATE {ORGANIZATION_TABLE} SET search_document = NULL WHERE parent_id = NEW.id;
                UPDATE {ADDRESS_TABLE} SET search_document = NULL WHERE organization_id = NEW.id;
                RETURN NULL;
            """,
        ),
    ]


def address_search_trigger() -> pgtrigger.Trigger:
    """Compute a function address's document from itself, its organisations and its codes."""
    return pgtrigger.Trigger(
        name="search_document",
        when=pgtrigger.Before,
        operation=pgtrigger.Insert | pgtrigger.Update,
        declare=[("organization_names", "text")],
        func=f"""
            {_wait_for_renames_and_read_names("NEW.organization_id", "organization_names")}
            NEW.search_document := lower(unaccent(concat_ws(' ',
                NEW.name, NEW.identifier, NEW.description, array_to_string(NEW.keywords, ' '),
                organization_names,
                (SELECT string_agg(concat_ws(' ', c.display_name, p.display_name), ' ')
                 FROM {CLASSIFICATION_TABLE} fc
                 JOIN {CODE_TABLE} c ON c.id = fc.code_id
                 LEFT JOIN {CODE_TABLE} p ON p.id = c.parent_id
                 WHERE fc.function_address_id = NEW.id)
            )));
            RETURN NEW;
        """,
    )


def classification_search_trigger() -> pgtrigger.Trigger:
    """A code added to or removed from an address changes what finds the address."""
    return pgtrigger.Trigger(
        name="search_document_refresh",
        when=pgtrigger.After,
        operation=pgtrigger.Insert | pgtrigger.Delete,
        func=f"""
            -- The address changed (its codes): a new updated_at for filter[updatedSince] and
            -- Last-Modified, and a new search document.
            UPDATE {ADDRESS_TABLE} SET search_document = NULL, updated_at = clock_timestamp()
            WHERE id = CASE WHEN TG_OP = 'DELETE'
                THEN OLD.function_address_id ELSE NEW.function_address_id END;
            RETURN NULL;
        """,
    )


def code_search_trigger() -> pgtrigger.Trigger:
    """A renamed code changes the documents of addresses classified with it or its sub-codes."""
    return pgtrigger.Trigger(
        name="search_document_cascade",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange("display_name", "parent"),
        func=f"""
            UPDATE {ADDRESS_TABLE} SET search_document = NULL
            WHERE id IN (
                SELECT fc.function_address_id FROM {CLASSIFICATION_TABLE} fc
                JOIN {CODE_TABLE} c ON c.id = fc.code_id
                WHERE c.id = NEW.id OR c.parent_id = NEW.id
            );
            RETURN NULL;
        """,
    )
