"""Least privilege in the database: what the application's role may do, and the owner's sessions.

With ``DATABASE_OWNER_URL`` set, two roles share the database:

- the **owner** owns every table, function and sequence. ``migrate`` (and ``flush``) connect as
  it, and after every ``migrate`` it grants the application what is below;
- the **application** (``DATABASE_URL``: web, worker, beat, every other command) reads and
  writes the directory, but may only read and append to the history: ``SELECT`` and ``INSERT``
  on every django-pghistory event table and on the admin's log, and of the two tables whose
  rows the application completes after writing them, only the columns it completes (the change
  feed's ``sequence``, numbered when read; a history context's ``metadata`` and
  ``updated_at``, which pghistory's context function upserts). No ``TRUNCATE``, no
  ``TRIGGER``, no ``CREATE`` on the schema, owner of nothing: the append-only triggers are no
  longer the only guard, since a role without ``UPDATE`` cannot use ``SET pgtrigger.ignore``
  to get past them, and one that owns nothing cannot disable them;
- nor may the application write the directory unrecorded: every trigger (history, change
  feed, search words) asks pgtrigger's ``_pgtrigger_should_ignore()`` whether
  ``pgtrigger.ignore`` names it, and the owner's version of that function (below) refuses the
  application's role any trigger it names. The application never skips one (it only sets the
  empty list, ``addressbook.database``); the owner still may, for data repairs.

Without ``DATABASE_OWNER_URL`` one role does everything, as before the split; ``check --deploy``
warns about it (``addressbook.W001``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from pghistory.models import Context, Event
from psycopg import sql

# What a role is, in a connection's settings, with the value when a URL leaves it out; the
# database (NAME) is always DATABASE_URL's.
CREDENTIALS = {"USER": "", "PASSWORD": "", "HOST": "", "PORT": "", "OPTIONS": {}}
# The directory and the application's own bookkeeping: no TRUNCATE, REFERENCES or TRIGGER.
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
HISTORY_PRIVILEGES = ("SELECT", "INSERT")


def roles_split() -> bool:
    """Whether migrations connect as an owner of their own (``DATABASE_OWNER_URL`` is set)."""
    return settings.DATABASE_OWNER is not None


def app_role() -> str:
    """The role the application connects as: ``DATABASE_URL``'s user."""
    return settings.DATABASE_APP_ROLE


def owner_credentials() -> dict:
    """How to connect as the owner: ``DATABASE_OWNER_URL``'s user, password, server, options."""
    if not roles_split():
        raise ImproperlyConfigured("DATABASE_OWNER_URL is not set: there is no owner role of its own.")
    return _credentials(settings.DATABASE_OWNER)


def history_tables() -> dict[str, tuple[str, ...]]:
    """Every table that holds history, with the columns the application may still update.

    Found from the models, so that an event table a later migration adds is covered too.
    """
    from django.contrib.admin.models import LogEntry

    from addressbook.models import Change

    tables = {
        model._meta.db_table: ()
        for model in apps.get_models()
        if issubclass(model, Event) and not model._meta.proxy and model._meta.managed
    }
    tables[LogEntry._meta.db_table] = ()
    # The sequencer numbers a change after its transaction committed (services.changes).
    tables[Change._meta.db_table] = ("sequence",)
    # _pgh_attach_context() upserts the context of a change: later writes in the same context
    # may add to its metadata.
    tables[Context._meta.db_table] = ("metadata", "updated_at")
    return tables


def grant_app_privileges(connection: BaseDatabaseWrapper, role: str) -> None:
    """As the owner: give ``role`` exactly the application's privileges (module docstring).

    Everything is revoked and granted again in one transaction, so the result depends only on
    the tables there are now; default privileges cover tables the owner creates later, between
    migrations (event tables among them are narrowed by the next ``migrate``).
    """
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, current_schema()")
        owner, schema = cursor.fetchone()
        _refuse_tables_owned_by(cursor, role, owner, schema)
        statements = _grant_statements(role, schema, history_tables())
        for statement in statements:
            cursor.execute(statement)
        refuse_trigger_bypass(cursor, role, schema)


def _refuse_tables_owned_by(cursor, role: str, owner: str, schema: str) -> None:
    # A deployment that ran with one role until now: the application's role still owns the
    # tables, and an owner may do anything with them. Only a superuser can hand them over.
    cursor.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tableowner = %s", [schema, role]
    )
    owned = [name for (name,) in cursor.fetchall()]
    if owned:
        raise ImproperlyConfigured(
            f"DATABASE_URL's role {role} owns {len(owned)} tables ({', '.join(owned[:3])}, …), so it "
            f"could alter history. Hand them to the owner once, as a superuser: "
            f"REASSIGN OWNED BY {role} TO {owner}; then run migrate again."
        )


def _grant_statements(role: str, schema: str, history: dict[str, tuple[str, ...]]) -> list[sql.Composable]:
    grantee, namespace = sql.Identifier(role), sql.Identifier(schema)

    def privileges(names) -> sql.Composable:
        return sql.SQL(", ").join(sql.SQL(name) for name in names)

    statements = [
        sql.SQL("REVOKE ALL ON ALL TABLES IN SCHEMA {} FROM {}").format(namespace, grantee),
        sql.SQL("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {} FROM {}").format(namespace, grantee),
        # PUBLIC too: PostgreSQL before 15 let every role create objects in "public".
        sql.SQL("REVOKE CREATE ON SCHEMA {} FROM PUBLIC, {}").format(namespace, grantee),
        sql.SQL("GRANT USAGE ON SCHEMA {} TO {}").format(namespace, grantee),
        sql.SQL("GRANT {} ON ALL TABLES IN SCHEMA {} TO {}").format(
            privileges(TABLE_PRIVILEGES), namespace, grantee
        ),
        # nextval() for serial keys and the feed's numbers; not setval() (that needs UPDATE).
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {} TO {}").format(namespace, grantee),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT {} ON TABLES TO {}").format(
            namespace, privileges(TABLE_PRIVILEGES), grantee
        ),
        sql.SQL("ALTER DEFAULT PRIVILEGES IN SCHEMA {} GRANT USAGE, SELECT ON SEQUENCES TO {}").format(
            namespace, grantee
        ),
    ]
    for table, columns in sorted(history.items()):
        name = sql.Identifier(schema, table)
        statements.append(sql.SQL("REVOKE ALL ON {} FROM {}").format(name, grantee))
        statements.append(
            sql.SQL("GRANT {} ON {} TO {}").format(privileges(HISTORY_PRIVILEGES), name, grantee)
        )
        if columns:
            statements.append(
                sql.SQL("GRANT UPDATE ({}) ON {} TO {}").format(
                    sql.SQL(", ").join(map(sql.Identifier, columns)), name, grantee
                )
            )
    return statements


# pgtrigger's own function, as its triggers call it, with one change: a trigger named in
# pgtrigger.ignore is skipped for any role but the application's, which is refused. It also reads
# the setting with missing_ok rather than inside an EXCEPTION block (a subtransaction per call):
# an unset or reset setting ('') skips nothing, as pgtrigger's does. pgtrigger writes its own
# version again whenever a migration installs a trigger; this runs after every migrate.
SHOULD_IGNORE_FUNCTION = """
CREATE OR REPLACE FUNCTION {function}(trigger_name name) RETURNS boolean LANGUAGE plpgsql AS $$
DECLARE
    ignored TEXT[] := NULLIF(current_setting('pgtrigger.ignore', true), '')::TEXT[];
BEGIN
    IF ignored IS NULL OR NOT trigger_name = ANY(ignored) THEN
        RETURN FALSE;
    END IF;
    IF current_user = {role} THEN
        RAISE EXCEPTION 'role % may not skip trigger % (pgtrigger.ignore): the directory is never '
            'written without its history', current_user, trigger_name
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN TRUE;
END;
$$
"""


def refuse_trigger_bypass(cursor, role: str, schema: str) -> None:
    """As the owner: pgtrigger's ``_pgtrigger_should_ignore`` refuses ``role`` (module docstring)."""
    function = sql.Identifier(schema, "_pgtrigger_should_ignore")
    cursor.execute(sql.SQL(SHOULD_IGNORE_FUNCTION).format(function=function, role=sql.Literal(role)))


def grant_after_migrate(sender, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """post_migrate: after every ``migrate`` (not a ``flush``), grant the application its privileges."""
    if plan is None or not roles_split():
        return
    grant_app_privileges(connections[using], app_role())


@contextmanager
def as_owner(connection: BaseDatabaseWrapper) -> Iterator[None]:
    """Within the block, ``connection`` is a session of the owner (``migrate``, ``flush``).

    Nothing changes where the roles are not split or the connection is the owner's already.
    """
    if not roles_split() or connection.settings_dict["USER"] == settings.DATABASE_OWNER["USER"]:
        yield
        return
    own = credentials(connection)
    reconnect(connection, owner_credentials())
    try:
        yield
    finally:
        reconnect(connection, own)


def credentials(connection: BaseDatabaseWrapper) -> dict:
    """The role ``connection`` connects as (for ``reconnect``)."""
    return _credentials(connection.settings_dict)


def _credentials(settings_dict: dict) -> dict:
    return {key: settings_dict.get(key, default) for key, default in CREDENTIALS.items()}


def reconnect(connection: BaseDatabaseWrapper, credentials: dict) -> None:
    """Make ``connection``'s next session another role's, on the same database."""
    if connection.in_atomic_block:
        raise RuntimeError(f"Cannot change the role of {connection.alias!r} inside a transaction.")
    connection.close()
    connection.settings_dict.update(credentials)


@contextmanager
def owner_connection(using: str = DEFAULT_DB_ALIAS) -> Iterator[BaseDatabaseWrapper]:
    """A session of its own as the owner, next to ``using``'s (VACUUM and ANALYZE need the owner).

    Where the roles are not split, ``using``'s own connection, which is the owner's.
    """
    connection = connections[using]
    if not roles_split() or connection.settings_dict["USER"] == settings.DATABASE_OWNER["USER"]:
        yield connection
        return
    alias = f"{using}_owner"
    owner = type(connection)({**connection.settings_dict, **owner_credentials()}, alias=alias)
    # Registered for this thread while it is used: what runs on a new session (django.contrib.
    # postgres's type handlers) looks the connection up by its alias.
    connections[alias] = owner
    try:
        yield owner
    finally:
        owner.close()
        del connections[alias]


def check_roles_split(app_configs, **kwargs) -> list[checks.CheckMessage]:
    """check --deploy: one role for the application and its migrations can alter history."""
    if roles_split():
        return []
    return [
        checks.Warning(
            "DATABASE_OWNER_URL is not set: the application connects as the owner of the tables, "
            "so its credentials suffice to truncate or rewrite the audit history.",
            hint="Give migrations a role of their own in DATABASE_OWNER_URL and the application a "
            "role without ownership in DATABASE_URL (README: Least privilege in the database).",
            id="addressbook.W001",
        )
    ]
