"""Every database session is ready for bulk writes: trigger settings present, no subtransactions.

The speed itself is shown by ``make bench`` (bench/bulk_writes.py); these tests pin the two
conditions that keep bulk writes linear, and that history is recorded exactly as before.
"""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection
from pghistory.models import Events

from addressbook.choices import HistoryChannel
from addressbook.database_roles import owner_connection
from addressbook.history import history_context
from tests.factories import FunctionAddressFactory
from tests.test_settings import run_manage

pytestmark = pytest.mark.django_db


def setting(name: str) -> str | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting(%s, true)", [name])
        return cursor.fetchone()[0]


def test_a_session_has_an_empty_trigger_ignore_list():
    # pgtrigger reads it in an EXCEPTION block: unset, every trigger call would roll back
    assert setting("pgtrigger.ignore") == "{}"


def test_a_command_s_session_has_it_too(database_url):
    result = run_manage(
        "shell",
        "-c",
        "from django.db import connection\n"
        "with connection.cursor() as c:\n"
        "    c.execute(\"SELECT current_setting('pgtrigger.ignore', true)\")\n"
        "    print('ignore=' + str(c.fetchone()[0]))",
        DATABASE_URL=database_url,
        SECRET_KEY="x" * 50,
    )

    assert result.returncode == 0, result.stderr
    assert "ignore={}" in result.stdout


def test_the_history_context_is_read_without_an_exception_block():
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = '_pgh_attach_context'")
        (source,) = cursor.fetchone()

    assert "CURRENT_SETTING('pghistory.context_id', TRUE)" in source
    assert "EXCEPTION" not in source.upper()


@pytest.mark.django_db(transaction=True)
def test_the_session_default_switches_no_trigger_off(malmo):
    # given a committed history row of Malmö (history is append-only, by a pgtrigger trigger)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pgh_id FROM addressbook_organizationevent LIMIT 1")
        (event_id,) = cursor.fetchone()

    # then changing it is still refused by the trigger in a session with the empty ignore list,
    # the owner's too (the application's role may not even try: test_database_privileges.py)
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        owner_connection() as owner,
        owner.cursor() as cursor,
    ):
        cursor.execute(
            "UPDATE addressbook_organizationevent SET pgh_label = 'x' WHERE pgh_id = %s", [event_id]
        )


@pytest.mark.django_db(transaction=True)
def test_a_write_outside_a_context_records_no_context_even_after_one_that_had_one(malmo):
    # given a committed change made in a history context (its settings were set locally)
    with history_context(channel=HistoryChannel.IMPORT):
        FunctionAddressFactory(organization=malmo, identifier="sdk:med:0203:malmo.se")

    # when another change is made outside any context, in a later transaction
    FunctionAddressFactory(organization=malmo, identifier="sdk:utan:0203:malmo.se")

    # then only the first carries the context
    events = {
        event.pgh_data["identifier"]: event.pgh_context_id
        for event in Events.objects.filter(pgh_label="insert", pgh_model="addressbook.FunctionAddressEvent")
    }
    assert events["sdk:med:0203:malmo.se"] is not None
    assert events["sdk:utan:0203:malmo.se"] is None
