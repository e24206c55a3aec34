"""Import jobs: preview, confirm exactly the preview or refuse it, errors as a file, retries, sync."""

from __future__ import annotations

import pytest
from django.db import OperationalError
from django.utils import translation

import addressbook.services.imports as imports_service
from addressbook.choices import HistoryChannel, ImportAction, ImportStatus, Status
from addressbook.models import FunctionAddress, Organization
from addressbook.selectors.history import object_history
from addressbook.services.imports import (
    ImportRefusedError,
    error_file,
    import_job_apply,
    import_job_create,
    import_job_preview,
)
from addressbook.services.organizations import organization_save
from addressbook.spreadsheets.read import read_table
from tests.factories import FunctionAddressFactory
from tests.imports_helpers import FILES, preview, rows

pytestmark = pytest.mark.django_db


# ------------------------------------------------------------------------------
# Preview, then confirm exactly the preview
# ------------------------------------------------------------------------------
def test_the_preview_shows_row_by_row_what_the_file_would_do_and_writes_nothing(
    directory, federation_admin, malmo_address
):
    job = preview(federation_admin, "adresser_excel_sv.csv")

    assert job.status == ImportStatus.PREVIEWED
    assert rows(job) == [
        (2, "create", "sdk:forsorjningsstod:0203:malmo.se"),
        (3, "update", "sdk:socialtjanst:0203:malmo.se"),
    ]
    update = job.rows.get(number=3)
    assert [
        "Namn",
        "Socialtjänsten, barn och unga",
        "Socialtjänsten, barn och unga (Malmö)",
    ] in update.changes
    assert ["Koder", "psykiatri", "bup"] in update.changes
    assert not FunctionAddress.objects.filter(identifier="sdk:forsorjningsstod:0203:malmo.se").exists()
    malmo_address.refresh_from_db()
    assert malmo_address.name == "Socialtjänsten, barn och unga"


def test_confirming_applies_the_preview_with_the_user_and_channel_in_the_history(
    directory, federation_admin, malmo_address
):
    job = preview(federation_admin, "adresser_excel_sv.csv")

    import_job_apply(job=job, user=federation_admin)

    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert job.applied_by == federation_admin
    created = FunctionAddress.objects.get(identifier="sdk:forsorjningsstod:0203:malmo.se")
    assert created.keywords == ["bistånd", "ekonomi"]
    malmo_address.refresh_from_db()
    assert list(malmo_address.codes.values_list("code", flat=True)) == ["bup"]
    (latest, *_rest) = object_history(malmo_address)
    assert (latest.username, latest.channel) == ("federation", str(HistoryChannel.IMPORT.label))


def test_a_preview_is_refused_if_the_data_changed_since_and_nothing_is_written(
    directory, federation_admin, malmo_address
):
    # given a preview, and then someone renames the address it updates
    job = preview(federation_admin, "adresser_excel_sv.csv")
    FunctionAddress.objects.filter(pk=malmo_address.pk).update(name="Ändrat under tiden")

    # when the preview is confirmed
    with pytest.raises(ImportRefusedError, match=r"changed after the preview|ändrats sedan"):
        import_job_apply(job=job, user=federation_admin)

    # then nothing of the file is in the address book
    job.refresh_from_db()
    assert job.status == ImportStatus.REFUSED
    assert not FunctionAddress.objects.filter(identifier="sdk:forsorjningsstod:0203:malmo.se").exists()


def test_a_preview_is_applied_once_however_often_it_is_confirmed(directory, federation_admin):
    job = preview(federation_admin, "adresser_excel_sv.csv")
    import_job_apply(job=job, user=federation_admin)

    with pytest.raises(ImportRefusedError):
        import_job_apply(job=job, user=federation_admin)

    assert FunctionAddress.objects.filter(identifier="sdk:forsorjningsstod:0203:malmo.se").count() == 1


def test_a_preview_with_errors_cannot_be_confirmed(directory, federation_admin):
    job = preview(federation_admin, "duplicate_keys.csv")

    with pytest.raises(ImportRefusedError):
        import_job_apply(job=job, user=federation_admin)

    assert not FunctionAddress.objects.filter(identifier__iexact="sdk:dubbel:0203:malmo.se").exists()


def test_a_preview_made_in_english_can_be_confirmed_in_swedish(federation_admin, malmo_address):
    content = (
        b"Identifier;Name;Participant identifier\nsdk:socialtjanst:0203:malmo.se;Nytt namn;0203:malmo.se\n"
    )
    with translation.override("en"):  # uploaded with the admin in English
        job = preview(federation_admin, "a.csv", "addresses", content)

    with translation.override("sv"):  # confirmed in Swedish (another administrator, or a switch)
        import_job_apply(job=job, user=federation_admin)  # raises "the address book changed"

    malmo_address.refresh_from_db()
    assert malmo_address.name == "Nytt namn"


def test_the_preview_lists_the_addresses_a_deactivated_unit_takes_with_it(federation_admin, malmo):
    unit = organization_save(
        organization=Organization(type="ou", parent=malmo, name="Sof", local_identifier="sof")
    )
    address = FunctionAddressFactory(organization=unit, identifier="sdk:sof:0203:malmo.se")
    content = b"Participant identifier;Local identifier;Name;Status\n0203:malmo.se;sof;Sof;inactive\n"

    job = preview(federation_admin, "o.csv", "organizations", content)
    import_job_apply(job=job, user=federation_admin)

    address.refresh_from_db()
    assert address.status == "inactive"
    assert address.identifier in [row.key for row in job.rows.all()]  # shown nowhere in the preview


def test_an_import_job_keeps_the_file_it_previewed(directory, federation_admin):
    job = preview(federation_admin, "adresser_excel_sv.csv")

    with job.file.open("rb") as kept:
        assert kept.read() == (FILES / "adresser_excel_sv.csv").read_bytes()


# ------------------------------------------------------------------------------
# Errors, with row and column, and as a file to fix in Excel
# ------------------------------------------------------------------------------
def test_errors_name_the_row_and_column_and_come_back_as_a_file_to_fix(directory, federation_admin):
    content = (
        b"Identifier;Name;Participant identifier;Status;Valid to\n"
        b"sdk:ok:0203:malmo.se;Fungerar;0203:malmo.se;active;\n"
        b"sdk:fel:0203:malmo.se;Fel status;0203:malmo.se;kanske;\n"
        b"sdk:<script>:0203:malmo.se;Fel identifierare;0203:malmo.se;;\n"
        b"sdk:datum:0203:malmo.se;Fel datum;0203:malmo.se;;31/31/2026\n"
    )

    job = preview(federation_admin, "fel.csv", content=content)
    errors = {row.number: row.errors for row in job.rows.filter(action=ImportAction.ERROR)}
    returned = read_table(error_file(job=job), "fel-fel.csv")

    assert set(errors) == {3, 4, 5}
    assert errors[3][0][0] == "Status"
    assert errors[4][0][0] == "Identifierare"
    assert errors[5][0][0] == "Giltig till"
    assert returned.headers[-1] == "Fel"
    assert [values[0] for _number, values in returned.rows] == [
        "sdk:fel:0203:malmo.se",
        "sdk:<script>:0203:malmo.se",
        "sdk:datum:0203:malmo.se",
    ]
    assert returned.rows[0][1][-1].startswith("Status: ")


def test_a_row_refused_by_the_database_gets_a_clear_error(federation_admin):
    lines = ["Code system identifier;Code system name;Code;Display name;Parent code"]
    lines += [f"1.2.3;Djup;k{i};K {i};{f'k{i - 1}' if i else ''}" for i in range(34)]

    job = preview(federation_admin, "c.csv", "codes", ("\n".join(lines) + "\n").encode())

    (error,) = job.rows.filter(action="error")
    column, message = error.errors[0]
    assert column  # names the parent column
    assert "PL/pgSQL" not in message
    assert "own ancestor" not in message


# ------------------------------------------------------------------------------
# A worker interrupted by a database error
# ------------------------------------------------------------------------------
def test_a_preview_interrupted_by_a_database_error_is_retried(federation_admin, malmo, monkeypatch):
    # preview_import_task retries on OperationalError; the retry must be able to run
    job = import_job_create(
        user=federation_admin,
        resource="addresses",
        file_name="a.csv",
        content=b"Identifier;Name;Participant identifier\nsdk:a:0203:malmo.se;A;0203:malmo.se\n",
    )
    real_run = imports_service._run

    def lost_connection(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(imports_service, "_run", lost_connection)
    with pytest.raises(OperationalError):
        import_job_preview(job=job)
    monkeypatch.setattr(imports_service, "_run", real_run)

    import_job_preview(job=job)  # the retry

    job.refresh_from_db()
    assert job.status == ImportStatus.PREVIEWED  # stuck in "previewing" for ever


def test_an_apply_interrupted_in_the_worker_does_not_stick_in_applying(federation_admin, malmo, monkeypatch):
    job = preview(
        federation_admin,
        "a.csv",
        "addresses",
        b"Identifier;Name;Participant identifier\nsdk:a:0203:malmo.se;A;0203:malmo.se\n",
    )

    def lost_connection(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(imports_service, "_run", lost_connection)
    with pytest.raises(OperationalError):
        import_job_apply(job=job, user=federation_admin)  # as apply_import_task runs it

    job.refresh_from_db()
    assert job.status != ImportStatus.APPLYING


# ------------------------------------------------------------------------------
# Sync mode
# ------------------------------------------------------------------------------
def test_sync_deactivates_what_the_file_lacks_and_lists_it_first(directory, federation_admin, malmo_address):
    # given a second address of Malmö that the file does not list, and one of Lund's
    forgotten = FunctionAddressFactory(organization=directory, identifier="sdk:glomd:0203:malmo.se")
    content = (
        "Identifier;Name;Participant identifier\n"
        "sdk:socialtjanst:0203:malmo.se;Socialtjänsten, barn och unga;0203:malmo.se\n"
    )

    job = preview(federation_admin, "sync.csv", content=content.encode(), organization=directory, sync=True)
    forgotten.refresh_from_db()
    listed_status = forgotten.status
    import_job_apply(job=job, user=federation_admin)

    assert ("deactivate", "sdk:glomd:0203:malmo.se") in [(row.action, row.key) for row in job.rows.all()]
    assert listed_status == Status.ACTIVE  # the preview changed nothing
    forgotten.refresh_from_db()
    malmo_address.refresh_from_db()
    assert forgotten.status == Status.INACTIVE
    assert malmo_address.status == Status.ACTIVE
    assert FunctionAddress.objects.filter(pk=forgotten.pk).exists()  # deactivated, never deleted


# ------------------------------------------------------------------------------
# The command line
# ------------------------------------------------------------------------------
def test_the_command_line_imports_and_exports(directory, tmp_path, capsys):
    from django.core.management import call_command

    call_command("import_addressbook", str(FILES / "adresser_excel_sv.csv"), "--dry-run")
    dry = capsys.readouterr().out
    assert not FunctionAddress.objects.filter(identifier="sdk:forsorjningsstod:0203:malmo.se").exists()

    call_command("import_addressbook", str(FILES / "adresser_excel_sv.csv"))
    out = tmp_path / "adresser.xlsx"
    call_command("export_addressbook", "addresses", "--format", "xlsx", "--output", str(out))
    call_command("import_addressbook", str(out))
    applied = capsys.readouterr().out

    assert "Would import" in dry
    assert "create" in dry
    assert FunctionAddress.objects.filter(identifier="sdk:forsorjningsstod:0203:malmo.se").exists()
    assert "unchanged: 2" in applied


def test_the_command_line_refuses_a_file_with_errors(directory):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_addressbook", str(FILES / "duplicate_keys.csv"))
    assert not FunctionAddress.objects.filter(identifier__iexact="sdk:dubbel:0203:malmo.se").exists()
