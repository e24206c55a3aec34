"""Search documents: the text a search matches, kept by PostgreSQL triggers.

Each organisation and function address carries ``search_document``: its own texts plus the
names of the organisations above it (and, for an address, the names of its codes), lower
case and without accents (``unaccent``). Triggers keep it current whatever path a write takes,
and a GIN trigram index makes substring and typo-tolerant (``word_similarity``) matching fast
on a million rows. Queries normalise their words the same way (see ``selectors.search``).
"""

from __future__ import annotations

import pgtrigger
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _

from addressbook import constants

ORGANIZATION_TABLE = "addressbook_organization"
ADDRESS_TABLE = "addressbook_functionaddress"
CLASSIFICATION_TABLE = "addressbook_functionaddresscode"
CODE_TABLE = "addressbook_code"


def search_document_field() -> models.TextField:
    return models.TextField(_("search document"), blank=True, default="", editable=False)


def search_document_index(name: str) -> GinIndex:
    # filter[search]: substring (LIKE) and word_similarity (%>) both use a trigram GIN index.
    return GinIndex(fields=["search_document"], opclasses=["gin_trgm_ops"], name=name)


def _ancestor_names(start_id_sql: str) -> str:
    """SQL for the names of an organisation and everything above it, as one text."""
    return f"""(
        WITH RECURSIVE up(id, parent_id, name, alternate_name, depth) AS (
            SELECT id, parent_id, name, alternate_name, 1 FROM {ORGANIZATION_TABLE} WHERE id = {start_id_sql}
            UNION ALL
            SELECT o.id, o.parent_id, o.name, o.alternate_name, up.depth + 1
            FROM {ORGANIZATION_TABLE} o JOIN up ON o.id = up.parent_id
            WHERE up.depth < {constants.MAX_TREE_DEPTH}
        )
        SELECT string_agg(concat_ws(' ', name, alternate_name), ' ') FROM up
    )"""


def _wait_for_renames(parent_id_sql: str) -> str:
    """SQL that waits for an uncommitted rename of the parent before its names are read.

    Without it, a row written under an organisation that another transaction is renaming
    would keep the old name in its document: the rename's cascade cannot see the new row.
    FOR SHARE conflicts with the rename's row lock, and the next statement reads the result.
    """
    return f"PERFORM 1 FROM {ORGANIZATION_TABLE} WHERE id = {parent_id_sql} FOR SHARE;"


def organization_search_triggers() -> list[pgtrigger.Trigger]:
    """Compute an organisation's document; refresh the sub-tree's when its names change."""
    return [
        pgtrigger.Trigger(
            name="search_document",
            when=pgtrigger.Before,
            operation=pgtrigger.Insert | pgtrigger.Update,
            func=f"""
                {_wait_for_renames("NEW.parent_id")}
                NEW.search_document := lower(unaccent(concat_ws(' ',
                    NEW.name, NEW.alternate_name, NEW.participant_identifier, NEW.description,
                    {_ancestor_names("NEW.parent_id")}
                )));
                RETURN NEW;
            """,
        ),
        pgtrigger.Trigger(
            name="search_document_cascade",
            when=pgtrigger.After,
            operation=pgtrigger.Update,
            condition=pgtrigger.AnyChange("name", "alternate_name", "parent"),
            func=f"""
                -- Setting the document to NULL makes the BEFORE trigger compute it again.
                WITH RECURSIVE below(id, depth) AS (
                    SELECT id, 1 FROM {ORGANIZATION_TABLE} WHERE parent_id = NEW.id
                    UNION
                    SELECT o.id, below.depth + 1
                    FROM {ORGANIZATION_TABLE} o JOIN below ON o.parent_id = below.id
                    WHERE below.depth < {constants.MAX_TREE_DEPTH}
                )
                UPDATE {ORGANIZATION_TABLE} SET search_document = NULL WHERE id IN (SELECT id FROM below);
                WITH RECURSIVE tree(id, depth) AS (
                    SELECT NEW.id, 0
                    UNION
                    SELECT o.id, tree.depth + 1 FROM {ORGANIZATION_TABLE} o JOIN tree ON o.parent_id = tree.id
                    WHERE tree.depth < {constants.MAX_TREE_DEPTH}
                )
                UPDATE {ADDRESS_TABLE} SET search_document = NULL
                WHERE organization_id IN (SELECT id FROM tree);
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
        func=f"""
            {_wait_for_renames("NEW.organization_id")}
            NEW.search_document := lower(unaccent(concat_ws(' ',
                NEW.name, NEW.identifier, NEW.description, array_to_string(NEW.keywords, ' '),
                {_ancestor_names("NEW.organization_id")},
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
