"""What every database session of the project needs before its first write: trigger settings.

pgtrigger's triggers ask ``_pgtrigger_should_ignore()``, which reads the session setting
``pgtrigger.ignore`` inside a PL/pgSQL ``EXCEPTION`` block. Where the setting has never been
set, every row's trigger call raises and rolls back a subtransaction, and PostgreSQL then
rescans the transaction's list of pending deferred foreign-key checks: a bulk write of N
rows costs O(N²) (20,000 addresses took 2.8 times as long as 10,000). Giving every
session an empty ignore list makes the read succeed. pgtrigger re-creates that function
with every trigger it installs, so the setting, not the function, is what we change; the
similar read in django-pghistory's ``_pgh_attach_context()`` is replaced by a migration
(``0012_history_context_without_subtransactions``).

``bulk_insert`` writes a batch of rows in one statement whose size does not grow with them
(``insert_columns`` the same, given column by column).
"""

from __future__ import annotations

import datetime
import json
import re
import uuid
from collections.abc import Sequence
from decimal import Decimal

from django.contrib.postgres.fields import ArrayField
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import CharField, Field, JSONField, Model, TextField
from django.db.models.fields import AutoFieldMixin
from django.utils import timezone
from psycopg.types.json import Jsonb

# pgtrigger.ignore() sets this per statement (SET LOCAL) and it falls back to this value.
SESSION_SETTINGS = {"pgtrigger.ignore": "{}"}
# Values whose str() PostgreSQL reads back as the same value (their text form).
TEXT_FORM = (str, int, float, Decimal, uuid.UUID, datetime.date, datetime.time)


def configure_session(sender, connection, **kwargs) -> None:
    """connection_created: give a new PostgreSQL session the settings above (one round trip)."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for name, value in SESSION_SETTINGS.items():
            cursor.execute("SELECT set_config(%s, %s, false)", [name, value])


def bulk_insert(
    model: type[Model], objs: Sequence[Model], *, connection: BaseDatabaseWrapper | None = None
) -> None:
    """INSERT many instances in one statement with one array parameter per column (``unnest``).

    What ``bulk_create`` writes, and through the same triggers, without its cost per value:
    ``bulk_create`` spells a placeholder for every value, and psycopg then parses a statement
    of 15,000 placeholders for a batch of 1,000 rows; here each column is one parameter, sent
    as the text of an array (psycopg's adapter of a list dumps and escapes every element in
    Python, with a regular expression: a fifth of the CPU of an import's preview).
    Primary keys the database generates are not read back.
    """
    if not objs:
        return
    connection = connection or connections[DEFAULT_DB_ALIAS]
    sql, params = insert_statement(model, objs, connection=connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias


def insert_statement(
    model: type[Model], objs: Sequence[Model], *, connection: BaseDatabaseWrapper
) -> tuple[str, list]:
    """``bulk_insert``'s statement and parameters.

    Fields set on save (``auto_now``) are set on the instances here.
    """
    fields = [
        field
        for field in model._meta.concrete_fields
        if not field.generated
        and not (isinstance(field, AutoFieldMixin) and getattr(objs[0], field.attname) is None)
    ]
    columns = []
    now = timezone.now()
    for field in fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            # One time for the batch (PostgreSQL's now() is the transaction's anyway).
            for obj in objs:
                setattr(obj, field.attname, now)
            values = [field.get_db_prep_save(now, connection)] * len(objs)
        elif isinstance(field, ArrayField) and isinstance(field.base_field, CharField | TextField):
            values = [field.pre_save(obj, True) for obj in objs]  # text either way, as a literal below
        else:
            values = [field.pre_save(obj, True) for obj in objs]
            # Text is sent as it is: get_db_prep_save() would return it unchanged.
            if not (type(field) in (CharField, TextField) and all(type(value) is str for value in values)):
                values = [field.get_db_prep_save(value, connection) for value in values]
        columns.append(values)
    return _unnest_insert(model, fields, columns, connection)


def insert_columns(
    model: type[Model], columns: dict[str, list], *, connection: BaseDatabaseWrapper | None = None
) -> None:
    """``bulk_insert`` of rows given column by column (attribute name → values), no instances.

    For many small records written as they are (an import's row outcomes): building a model
    instance for each costs more than writing it. Values are as ``get_db_prep_save`` would
    make them, except that a JSON field's are the Python values; no defaults are filled in.
    """
    connection = connection or connections[DEFAULT_DB_ALIAS]
    if not any(columns.values()):
        return
    fields = [model._meta.get_field(name) for name in columns]
    values = [
        [None if value is None else json.dumps(value, cls=field.encoder) for value in column]
        if isinstance(field, JSONField)
        else column
        for field, column in zip(fields, columns.values(), strict=True)
    ]
    sql, params = _unnest_insert(model, fields, values, connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _unnest_insert(
    model: type[Model], fields: list[Field], columns: list[list], connection: BaseDatabaseWrapper
) -> tuple[str, list]:
    """INSERT … SELECT FROM unnest(one array per column): the statement and its parameters.

    Each column travels as one text[] literal and is cast back to its type (array columns as
    their own literals within it: ``unnest`` would flatten an array of arrays); the cast drops
    a varchar's length, so that a value too long is refused by the INSERT, not cut short.
    """
    arguments, selected, params = [], [], []
    for number, (field, values) in enumerate(zip(fields, columns, strict=True)):
        db_type = field.db_type(connection)
        if db_type.endswith("]"):
            values = [None if value is None else _array_literal(value) for value in values]
        elif any(isinstance(value, Jsonb) for value in values):
            values = [value if value is None else (value.dumps or json.dumps)(value.obj) for value in values]
        if all(value is None or isinstance(value, TEXT_FORM) for value in values):
            arguments.append("%s::text[]")
            selected.append(f"c{number}::{re.sub(r'varchar[(][0-9]+[)]', 'varchar', db_type)}")
            values = _array_literal(values)
        else:  # a value without a text form of its own (bytes, say): psycopg's adapter
            arguments.append(f"%s::{db_type}[]")
            selected.append(f"c{number}")
        params.append(values)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    aliases = ", ".join(f"c{number}" for number in range(len(fields)))
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({names}) "  # noqa: S608 - names from the model
        f"SELECT {', '.join(selected)} FROM unnest({', '.join(arguments)}) AS rows({aliases})"
    )
    return sql, params


def _array_literal(values) -> str:
    """A one-dimensional PostgreSQL array literal of values in their text form ({"a","b \\"c\\""})."""
    quoted = (
        "NULL" if value is None else '"' + str(value).replace("\\", "\\\\").replace('"', '\\"') + '"'
        for value in values
    )
    return "{" + ",".join(quoted) + "}"
