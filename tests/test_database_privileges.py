"""The application's database role cannot alter history (addressbook.database_roles).

The suite runs as that role (tests/conftest.py), so every other test shows that the application
works with these grants; these show what the role is refused, with real PostgreSQL roles.
"""

from __future__ import annotations

import os

import psycopg
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from addressbook.database_roles import history_tables, owner_connection
from addressbook.models import Change
from addressbook.services.changes import changes_sequence
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db

EVENT_TABLE = "addressbook_organizationevent"


def refusal(statement: str | sql.Composable, params=None) -> type[Exception] | None:
    """The error class PostgreSQL answers ``statement`` with as the application, or None."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, params)
    except DatabaseError as error:
        return type(error.__cause__)
    return None


def table(name: str) -> sql.Composable:
    return sql.Identifier(name)


@pytest.fixture
def history(malmo):
    """Malmö's creation, in the history, the feed (numbered) and a context."""
    changes_sequence()
    return malmo


def test_the_application_is_a_role_of_its_own_that_owns_nothing_and_creates_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user, has_schema_privilege(current_schema(), 'CREATE')")
        user, may_create = cursor.fetchone()
        cursor.execute("SELECT count(*) FROM pg_class WHERE relowner = current_user::regrole")
        (owned,) = cursor.fetchone()

    assert user == settings.DATABASE_APP_ROLE != settings.DATABASE_OWNER["USER"]
    assert owned == 0
    assert may_create is False
    assert refusal("CREATE TABLE addressbook_forged (id int)") is psycopg.errors.InsufficientPrivilege


@pytest.mark.parametrize("name", sorted(history_tables()))
def test_no_history_table_can_be_updated_deleted_or_truncated(history, name):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum = 1", [name]
        )
        (column,) = cursor.fetchone()

    for statement in (
        sql.SQL("UPDATE {} SET {} = {}").format(table(name), sql.Identifier(column), sql.Identifier(column)),
        sql.SQL("DELETE FROM {}").format(table(name)),
        sql.SQL("TRUNCATE {}").format(table(name)),
    ):
        assert refusal(statement) is psycopg.errors.InsufficientPrivilege, repr(statement)


def test_the_trigger_bypass_is_refused_too(history):
    # given the setting that makes pgtrigger skip the append-only trigger of the event table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
            [EVENT_TABLE, "pgtrigger_append_only_%"],
        )
        (trigger,) = cursor.fetchone()
    bypass = f"SET LOCAL pgtrigger.ignore = '{{{trigger}}}'; "
    refused = psycopg.errors.InsufficientPrivilege

    # then with it, rewriting or wiping Malmö's history is refused for want of the privilege
    # (the trigger would have answered RaiseException), and so are the other ways round it
    assert refusal(bypass + f"UPDATE {EVENT_TABLE} SET name = 'Förfalskad'") is refused  # noqa: S608
    assert refusal(bypass + f"DELETE FROM {EVENT_TABLE}") is refused  # noqa: S608
    assert refusal("SET session_replication_role = replica") is psycopg.errors.InsufficientPrivilege
    assert refusal(f"ALTER TABLE {EVENT_TABLE} DISABLE TRIGGER USER") is psycopg.errors.InsufficientPrivilege
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {EVENT_TABLE}")  # noqa: S608
        assert cursor.fetchall() == [("Malmö stad",)]


def test_the_directory_cannot_be_written_without_its_history(history):
    # given the setting that makes pgtrigger skip the triggers recording an organisation's
    # history and its change-feed entry
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT array_agg(tgname::text) FROM pg_trigger WHERE tgrelid = %s::regclass AND tgname LIKE %s",
            ["addressbook_organization", "pgtrigger_%"],
        )
        (triggers,) = cursor.fetchone()
    bypass = sql.SQL("SET LOCAL pgtrigger.ignore = {}; ").format(sql.Literal("{" + ",".join(triggers) + "}"))

    # then the application's role may not write Malmö unrecorded
    rename = sql.SQL("UPDATE addressbook_organization SET name = 'Malmö kommun'")
    assert refusal(bypass + rename) is psycopg.errors.InsufficientPrivilege
    history.refresh_from_db()
    assert history.name == "Malmö stad"
    # without it the same write is made, and recorded
    assert refusal(rename) is None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name FROM {EVENT_TABLE} ORDER BY pgh_id")  # noqa: S608
        assert cursor.fetchall() == [("Malmö stad",), ("Malmö kommun",)]

    # while the owner still may skip a trigger (a data repair), as pgtrigger lets it
    with owner_connection() as owner, transaction.atomic(using=owner.alias), owner.cursor() as cursor:
        cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + triggers[0] + "}"])
        cursor.execute("SELECT _pgtrigger_should_ignore(%s)", [triggers[0]])
        assert cursor.fetchone() == (True,)


def test_the_change_feed_may_only_be_numbered(history):
    change = Change.objects.get()

    assert refusal("UPDATE addressbook_change SET action = 'deleted'") is psycopg.errors.InsufficientPrivilege
    assert refusal("UPDATE addressbook_change SET sequence = NULL") is None  # the sequencer's column
    assert refusal("SELECT setval('addressbook_change_sequence', 1)") is psycopg.errors.InsufficientPrivilege
    change.refresh_from_db()
    assert change.action == "created"


def run_migrate() -> None:
    call_command("migrate", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_migrate_runs_as_the_owner_and_grants_follow_it():
    # given privileges that drifted (an operator's GRANT by hand) and a table the owner added
    # between migrations
    with owner_connection() as owner, owner.cursor() as cursor:
        role = sql.Identifier(settings.DATABASE_APP_ROLE)
        drift = sql.SQL("GRANT TRUNCATE, UPDATE, DELETE ON {} TO {}").format(table(EVENT_TABLE), role)
        cursor.execute(drift)
        cursor.execute("CREATE TABLE addressbook_later (id int)")
    try:
        # then the later table got the directory's privileges by default (no TRUNCATE)
        assert refusal("INSERT INTO addressbook_later VALUES (1)") is None
        assert refusal("TRUNCATE addressbook_later") is psycopg.errors.InsufficientPrivilege
        assert refusal(f"TRUNCATE {EVENT_TABLE}") is None  # the drift, before migrate

        # when migrate runs (in this process, as the application, which may not GRANT)
        run_migrate()

        # then it ran as the owner, and the history table is append-only for the application again
        assert refusal(f"TRUNCATE {EVENT_TABLE}") is psycopg.errors.InsufficientPrivilege
        assert refusal(f"DELETE FROM {EVENT_TABLE}") is psycopg.errors.InsufficientPrivilege  # noqa: S608
    finally:
        with owner_connection() as owner, owner.cursor() as cursor:
            cursor.execute("DROP TABLE addressbook_later")


@pytest.mark.django_db(transaction=True)
def test_manage_py_migrate_refuses_tables_the_application_owns(database_url):
    # given a deployment that ran with one role until now: the application owns a table
    with owner_connection() as owner, owner.cursor() as cursor:
        cursor.execute("CREATE TABLE addressbook_legacy (id int)")
        role = sql.Identifier(settings.DATABASE_APP_ROLE)
        cursor.execute(sql.SQL("ALTER TABLE addressbook_legacy OWNER TO {}").format(role))
    try:
        # when the operator splits the roles and migrates
        result = run_manage(
            "migrate",
            DATABASE_URL=database_url,
            DATABASE_OWNER_URL=os.environ["DATABASE_OWNER_URL"],
            SECRET_KEY="x" * 50,
        )

        # then migrate says what to do instead of granting around it
        assert result.returncode != 0
        assert f"REASSIGN OWNED BY {settings.DATABASE_APP_ROLE} TO" in result.stderr
    finally:
        with owner_connection() as owner, owner.cursor() as cursor:
            cursor.execute("DROP TABLE addressbook_legacy")


@pytest.mark.django_db(transaction=True)
def test_generate_dataset_vacuums_as_the_owner():
    # when the benchmark's dataset is generated (outside a transaction, as manage.py runs it)
    call_command("generate_dataset", organizations=12, addresses=40, seed=3, stdout=None)

    # then the change feed was vacuumed: as the application it would have been skipped with a
    # warning, since only an owner may vacuum a table
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_vacuum FROM pg_stat_user_tables WHERE relname = 'addressbook_change'")
        (last_vacuum,) = cursor.fetchone()
    assert last_vacuum is not None
