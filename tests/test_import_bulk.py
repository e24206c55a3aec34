"""Address imports in batches: the same outcomes as row by row, named rows, linear queries."""

from __future__ import annotations

import gc

import pytest
from django.db import DataError, connection, transaction
from django.test.utils import CaptureQueriesContext
from pghistory.models import Events

from addressbook.choices import ImportAction, ImportStatus
from addressbook.database import bulk_insert
from addressbook.models import FunctionAddress, FunctionAddressCode
from addressbook.resources import addresses
from addressbook.resources.addresses import FunctionAddressResource
from addressbook.services.addresses import function_address_save
from addressbook.services.imports import import_job_apply, import_run
from tests.imports_helpers import preview, rows

pytestmark = pytest.mark.django_db

HEADER = "Identifier;Name;Participant identifier;Codes"


def addresses_file(count: int, *, start: int = 0, codes: str = "") -> str:
    return "\n".join(
        f"sdk:bulk{n}:0203:malmo.se;Adress {n};0203:malmo.se;{codes}" for n in range(start, start + count)
    )


def csv(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


def test_a_key_twice_in_the_file_is_an_error_on_the_later_row_whether_new_or_stored(
    directory, federation_admin, malmo_address
):
    # given a file that updates a stored address and creates a new one, each key written twice
    content = csv(
        f"{malmo_address.identifier};Nytt namn;0203:malmo.se;psykiatri",
        "sdk:ny:0203:malmo.se;Ny;0203:malmo.se;",
        f"{malmo_address.identifier.upper()};Annat namn;0203:malmo.se;",
        "SDK:NY:0203:malmo.se;Ny igen;0203:malmo.se;",
    )

    # when it is previewed
    job = preview(federation_admin, "twice.csv", content=content)

    # then the first of each key is applied and the later one names its row and the key column
    assert [(number, action) for number, action, _key in rows(job)] == [
        (2, "update"),
        (3, "create"),
        (4, "error"),
        (5, "error"),
    ]
    assert job.rows.get(number=4).errors == [
        ["Identifierare", "Samma nyckel finns på en tidigare rad i filen."]
    ]
    assert not FunctionAddress.objects.filter(identifier="sdk:ny:0203:malmo.se").exists()


def test_updates_and_creates_in_one_batch_are_written_with_their_codes(
    directory, federation_admin, malmo_address, psychiatry_codes
):
    # given one file that renames a stored address, moves it to BUP, and creates two new ones
    content = csv(
        "sdk:bulk0:0203:malmo.se;Ny 0;0203:malmo.se;bup",
        f"{malmo_address.identifier};Nytt namn;0203:malmo.se;bup",
        "sdk:bulk1:0203:malmo.se;Ny 1;0203:malmo.se;",
    )

    # when it is previewed and confirmed
    job = preview(federation_admin, "mixed.csv", content=content)
    import_job_apply(job=job, user=federation_admin)

    # then each row did what the preview said, and the classifications follow the file
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert job.summary == {ImportAction.CREATE: 2, ImportAction.UPDATE: 1}
    malmo_address.refresh_from_db()
    assert malmo_address.name == "Nytt namn"
    assert list(malmo_address.codes.values_list("code", flat=True)) == ["bup"]
    assert list(
        FunctionAddress.objects.get(identifier="sdk:bulk0:0203:malmo.se").codes.values_list("code", flat=True)
    ) == ["bup"]
    assert not FunctionAddress.objects.get(identifier="sdk:bulk1:0203:malmo.se").codes.exists()


def test_a_row_the_database_refuses_in_a_batch_is_named_and_nothing_is_written(
    malmo, federation_admin, monkeypatch
):
    # given batches of 10, and someone who takes row 15's identifier after the file's keys were
    # looked up (the in-memory checks cannot know; PostgreSQL's unique index refuses the batch)
    monkeypatch.setattr(addresses, "BATCH_SIZE", 10)
    looked_up = FunctionAddressResource.before_import

    def take_an_identifier(resource, dataset, **kwargs):
        looked_up(resource, dataset, **kwargs)
        function_address_save(
            function_address=FunctionAddress(
                identifier="sdk:bulk13:0203:malmo.se", name="Hann före", organization=malmo
            )
        )

    monkeypatch.setattr(FunctionAddressResource, "before_import", take_an_identifier)

    # when a file of 25 new addresses is imported
    outcomes = import_run(
        resource="addresses", file_name="bulk.csv", content=csv(addresses_file(25)), dry_run=False
    )

    # then the one row is an error that names its row and column, the others are as they were
    errors = [outcome for outcome in outcomes if outcome.action == ImportAction.ERROR]
    assert [(error.number, error.key) for error in errors] == [(15, "sdk:bulk13:0203:malmo.se")]
    assert errors[0].errors == [
        ("Identifierare", "Det finns redan en funktionsadress med den här identifieraren.")
    ]
    assert sum(outcome.action == ImportAction.CREATE for outcome in outcomes) == 24
    # and nothing is written: not the batches before it, not the rest of its batch
    assert not FunctionAddress.objects.filter(identifier__startswith="sdk:bulk").exists()


def test_rows_written_in_bulk_carry_the_import_channel_and_user_in_the_history(
    malmo, federation_admin, psychiatry_codes, monkeypatch
):
    # given a file of new addresses with a code each, in batches of 10
    monkeypatch.setattr(addresses, "BATCH_SIZE", 10)
    job = preview(federation_admin, "bulk.csv", content=csv(addresses_file(30, codes="psykiatri")))

    # when it is confirmed
    import_job_apply(job=job, user=federation_admin)

    # then every written address and classification has a history event in the import's context
    written = list(FunctionAddress.objects.filter(identifier__startswith="sdk:bulk"))
    assert len(written) == 30
    events = Events.objects.tracks(*written).order_by("pgh_id")
    assert {(event.pgh_context["channel"], event.pgh_context["username"]) for event in events} == {
        ("import", federation_admin.get_username())
    }
    assert {event.pgh_obj_id for event in events} >= {str(address.pk) for address in written}
    assert FunctionAddressCode.objects.filter(function_address__in=written).count() == 30


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_queries_of_an_import_do_not_grow_with_its_rows(malmo, psychiatry_codes, dry_run):
    # given files of N and 4N new addresses with codes
    def queries(count: int, start: int) -> int:
        content = csv(addresses_file(count, start=start, codes="psykiatri, bup"))
        with CaptureQueriesContext(connection) as captured:
            outcomes = import_run(
                resource="addresses", file_name="bulk.csv", content=content, dry_run=dry_run
            )
        assert [outcome.action for outcome in outcomes] == [ImportAction.CREATE] * count
        return len(captured.captured_queries)

    # when each is imported, then both cost the same number of queries
    assert queries(100, start=0) == queries(400, start=1000)


def test_keywords_written_in_bulk_keep_quotes_braces_and_backslashes(malmo, federation_admin):
    # given keywords that PostgreSQL's array syntax would read otherwise
    content = (
        b"Identifier;Name;Participant identifier;Keywords\n"
        b'sdk:tecken:0203:malmo.se;Tecken;0203:malmo.se;"""citat"", {klammer}, back\\slash, NULL"'
    )

    # when the file is imported
    outcomes = import_run(resource="addresses", file_name="tecken.csv", content=content, dry_run=False)

    # then they are stored exactly as typed
    assert [outcome.action for outcome in outcomes] == [ImportAction.CREATE]
    address = FunctionAddress.objects.get(identifier="sdk:tecken:0203:malmo.se")
    assert address.keywords == ['"citat"', "{klammer}", "back\\slash", "NULL"]


def test_the_preview_records_what_a_row_changes_exactly_as_typed(malmo, federation_admin):
    # given a name and description with what an array's or JSON's syntax would read otherwise
    name = 'Säker "post" {a,b} back\\slash NULL'
    quoted = name.replace('"', '""')
    content = (
        "Identifier;Name;Participant identifier;Description\n"
        f'sdk:tecken:0203:malmo.se;"{quoted}";0203:malmo.se;"två\nrader"'
    ).encode()

    # when it is previewed
    job = preview(federation_admin, "tecken.csv", content=content)

    # then the row's recorded changes hold the text as it was typed
    row = job.rows.get()
    assert (row.number, row.action, row.key) == (2, "create", "sdk:tecken:0203:malmo.se")
    assert ["Namn", "", name] in row.changes
    assert ["Beskrivning", "", "två\nrader"] in row.changes
    assert row.errors == []


def test_a_bulk_insert_refuses_a_value_longer_than_its_column(malmo):
    # given an address whose name is longer than its column (past the model's own check)
    address = FunctionAddress(identifier="sdk:lang:0203:malmo.se", name="x" * 300, organization=malmo)

    # when it is inserted in bulk, then PostgreSQL refuses it rather than cutting it short
    with pytest.raises(DataError), transaction.atomic():
        bulk_insert(FunctionAddress, [address])
    assert not FunctionAddress.objects.filter(identifier="sdk:lang:0203:malmo.se").exists()


def test_the_organisations_of_a_file_are_found_in_one_lookup_however_their_keys_are_typed(
    directory, federation_admin
):
    # given rows for a participant, its department (typed in another case) and no such unit
    content = (
        b"Identifier;Name;Participant identifier;Organisation (local identifier)\n"
        b"sdk:a:0203:malmo.se;A;0203:MALMO.SE;\n"
        b"sdk:b:0203:malmo.se;B;0203:malmo.se;SOF-Gammal\n"
        b"sdk:c:0203:malmo.se;C;0203:malmo.se;finns-inte\n"
    )

    # when it is previewed
    job = preview(federation_admin, "organisationer.csv", content=content)

    # then each row has its organisation, and the unknown one is an error on that column
    assert [(number, action) for number, action, _key in rows(job)] == [
        (2, "create"),
        (3, "create"),
        (4, "error"),
    ]
    assert job.rows.get(number=4).errors == [
        [
            "Organisation (lokal identifierare)",
            "Ingen organisation har den här deltagar- och lokala identifieraren.",
        ]
    ]
    unit_row = job.rows.get(number=3)
    assert ["Organisation (lokal identifierare)", "", "sof-gammal"] in unit_row.changes


def test_the_garbage_collector_pauses_for_an_import_and_resumes_after_it(malmo, monkeypatch):
    # given a file whose rows are read while the collector's state is noted
    states = []
    looked_up = FunctionAddressResource.before_import

    def note(resource, dataset, **kwargs):
        states.append(gc.isenabled())
        looked_up(resource, dataset, **kwargs)

    monkeypatch.setattr(FunctionAddressResource, "before_import", note)

    # when it is imported
    import_run(resource="addresses", file_name="bulk.csv", content=csv(addresses_file(3)), dry_run=False)

    # then the collector was paused during the import and runs again afterwards
    assert states == [False]
    assert gc.isenabled()
