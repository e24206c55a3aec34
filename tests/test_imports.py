"""Spreadsheet import and export: preview, confirm, round trips, real-world and hostile files."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from addressbook.choices import HistoryChannel, ImportAction, ImportStatus, Status
from addressbook.history import object_history
from addressbook.models import Code, Connection, FunctionAddress, ImportJob, Organization
from addressbook.services.imports import (
    ImportRefusedError,
    error_file,
    export_file,
    import_job_apply,
    import_job_create,
    import_job_preview,
    template_file,
)
from addressbook.services.organizations import organization_save
from addressbook.spreadsheets.read import read_table
from tests.factories import CodeFactory, FunctionAddressCodeFactory, FunctionAddressFactory

pytestmark = pytest.mark.django_db

FILES = Path(__file__).parent / "files"


def preview(
    user, name: str, resource: str = "addresses", content: bytes | None = None, **options
) -> ImportJob:
    content = (FILES / name).read_bytes() if content is None else content
    job = import_job_create(user=user, resource=resource, file_name=name, content=content, **options)
    return import_job_preview(job=job)


def rows(job: ImportJob) -> list[tuple[int, str, str]]:
    return [(row.number, row.action, row.key) for row in job.rows.all()]


@pytest.fixture
def directory(malmo, malmo_address, psychiatry_codes):
    """Malmö with one classified address and a department (with a local identifier)."""
    FunctionAddressCodeFactory(function_address=malmo_address, code=psychiatry_codes[0])
    organization_save(
        organization=Organization(
            type="ou", parent=malmo, name="Socialförvaltningen", local_identifier="sof-gammal"
        )
    )
    return malmo


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


# ------------------------------------------------------------------------------
# Natural keys and round trips
# ------------------------------------------------------------------------------
@pytest.mark.parametrize("resource", ["organizations", "addresses", "codes"])
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_exporting_and_importing_the_same_file_changes_nothing(
    directory, federation_admin, resource, file_format
):
    content = export_file(resource=resource, user=federation_admin, file_format=file_format)

    job = preview(federation_admin, f"export.{file_format}", resource=resource, content=content)

    assert job.status == ImportStatus.PREVIEWED, job.message
    assert set(job.summary) == {ImportAction.UNCHANGED}
    assert job.summary[ImportAction.UNCHANGED] >= 1


def test_sub_organisations_are_matched_by_their_local_identifier_and_parent(directory, federation_admin):
    job = preview(federation_admin, "organisationer.xlsx", resource="organizations")
    import_job_apply(job=job, user=federation_admin)

    unit = Organization.objects.get(local_identifier="sof-ekonomi")
    again = preview(federation_admin, "organisationer.xlsx", resource="organizations")

    assert [row[1] for row in rows(job)] == ["unchanged", "create", "create"]
    assert unit.parent.local_identifier == "sof"
    assert unit.participant_identifier == "0203:malmo.se"
    assert set(again.summary) == {ImportAction.UNCHANGED}


def test_english_headers_utf8_with_bom_and_commas_are_read(directory, federation_admin):
    job = preview(federation_admin, "addresses_utf8_bom.csv")
    import_job_apply(job=job, user=federation_admin)

    address = FunctionAddress.objects.get(identifier="sdk:aldreomsorg:0203:malmo.se")
    assert address.name == "Äldreomsorg – hemtjänst"
    assert list(address.codes.values_list("code", flat=True)) == ["psykiatri"]


def test_a_template_has_the_headers_and_imports_as_nothing(federation_admin):
    for file_format in ("csv", "xlsx"):
        table = read_table(
            template_file(resource="addresses", file_format=file_format), f"mall.{file_format}"
        )
        assert table.headers[:3] == ["Identifierare", "Namn", "Beskrivning"]
        assert table.rows == []


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
# Roles
# ------------------------------------------------------------------------------
def test_an_organisation_administrator_imports_only_their_own_rows(
    directory, lund, lund_address, malmo_admin
):
    content = (
        b"Identifier;Name;Participant identifier\n"
        b"sdk:socialtjanst:0203:malmo.se;Eget namn;0203:malmo.se\n"
        b"sdk:socialtjanst:0203:lund.se;Kapat namn;0203:lund.se\n"
        b"sdk:ny:0203:lund.se;Smuggel;0203:lund.se\n"
    )

    job = preview(malmo_admin, "blandat.csv", content=content)

    assert [row.action for row in job.rows.all()] == ["update", "error", "error"]
    with pytest.raises(ImportRefusedError):
        import_job_apply(job=job, user=malmo_admin)
    lund_address.refresh_from_db()
    assert lund_address.name == "Socialtjänst Lund"


def test_an_organisation_administrator_cannot_import_code_systems(malmo_admin):
    with pytest.raises(Exception, match="federation"):
        import_job_create(user=malmo_admin, resource="codes", file_name="k.csv", content=b"Code\nx\n")


def test_an_organisation_administrator_exports_only_their_own(directory, lund_address, malmo_admin):
    table = read_table(export_file(resource="addresses", user=malmo_admin, file_format="csv"), "x.csv")

    assert [values[0] for _number, values in table.rows] == ["sdk:socialtjanst:0203:malmo.se"]


# ------------------------------------------------------------------------------
# Hostile files: a clear error, nothing written
# ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "resource", "message"),
    [
        ("empty.csv", "addresses", "empty"),
        ("junk.csv", "addresses", "neither CSV nor Excel"),
        ("wrong_headers.csv", "addresses", "Unknown columns: Förnamn, Efternamn, Telefon"),
        ("formula.csv", "addresses", "Row 2, column 2 holds a formula"),
        ("formula.xlsx", "addresses", "Row 2, column 2 holds a formula"),
        ("bomb.xlsx", "addresses", "unpacks to far more data"),
    ],
)
def test_a_hostile_file_gets_a_clear_error_and_writes_nothing(
    directory, federation_admin, name, resource, message, settings
):
    settings.LANGUAGE_CODE = "en"
    settings.IMPORT_MAX_UNPACKED_BYTES = 5_000_000  # the bomb unpacks to 20 MB
    before = FunctionAddress.objects.count()

    job = preview(federation_admin, name, resource=resource)

    assert job.status == ImportStatus.FAILED
    assert message in job.message
    assert FunctionAddress.objects.count() == before


def test_duplicate_keys_within_the_file_are_errors_on_the_later_row(directory, federation_admin):
    job = preview(federation_admin, "duplicate_keys.csv")

    assert [(row.number, row.action) for row in job.rows.all()] == [(2, "create"), (3, "error")]


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(directory, federation_admin, settings):
    settings.IMPORT_MAX_BYTES = 100

    job = preview(federation_admin, "x.csv", content=b"Identifier;Name\n" + b"sdk:a:0203:malmo.se;A\n" * 20)

    assert job.status == ImportStatus.FAILED
    assert "larger than" in job.message or "större än" in job.message


def test_exported_cells_cannot_run_as_formulas(directory, federation_admin, malmo_address):
    FunctionAddress.objects.filter(pk=malmo_address.pk).update(description="=cmd|' /C calc'!A0")

    csv_text = export_file(resource="addresses", user=federation_admin, file_format="csv").decode("utf-8-sig")
    workbook = openpyxl.load_workbook(
        io.BytesIO(export_file(resource="addresses", user=federation_admin, file_format="xlsx"))
    )

    assert "'=cmd|' /C calc'!A0" in csv_text
    cell = next(row[2] for row in workbook.active.iter_rows(min_row=2, values_only=True))
    assert cell == "'=cmd|' /C calc'!A0"
    # and the neutralised value imports back as what it was
    job = preview(federation_admin, "back.csv", content=csv_text.encode("utf-8"))
    assert set(job.summary) == {ImportAction.UNCHANGED}


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


def test_an_import_job_keeps_the_file_it_previewed(directory, federation_admin):
    job = preview(federation_admin, "adresser_excel_sv.csv")

    with job.file.open("rb") as kept:
        assert kept.read() == (FILES / "adresser_excel_sv.csv").read_bytes()


def test_a_code_value_in_several_code_systems_is_written_with_its_system(
    directory, federation_admin, malmo_address
):
    # given "bup" in a second code system too, and the address classified with the first one's
    other = CodeFactory(code="bup", code_system__identifier="1.2.752.99.777")
    first_bup = Code.objects.exclude(pk=other.pk).get(code="bup")
    malmo_address.classifications.all().delete()
    FunctionAddressCodeFactory(function_address=malmo_address, code=first_bup)

    content = export_file(resource="addresses", user=federation_admin, file_format="csv")
    job = preview(federation_admin, "export.csv", content=content)
    plain = preview(
        federation_admin,
        "plain.csv",
        content=b"Identifier;Name;Participant identifier;Codes\nsdk:x:0203:malmo.se;X;0203:malmo.se;bup\n",
    )

    assert f"{first_bup.code_system.identifier}#bup" in content.decode("utf-8-sig")
    assert set(job.summary) == {ImportAction.UNCHANGED}
    assert (
        "several code systems" in plain.rows.get().errors[0][1]
        or "flera kodverk" in plain.rows.get().errors[0][1]
    )


def test_sdk_connection_steps_are_kept_through_import_by_the_federation_only(
    directory, federation_admin, malmo_admin
):
    content = (
        "Participant identifier;Name;SDK planned;SDK production\n"
        "0203:malmo.se;Malmö stad;2026-01-15;2026-05-04\n"
    ).encode()

    by_malmo = preview(malmo_admin, "anslutning.csv", resource="organizations", content=content)
    by_federation = preview(federation_admin, "anslutning.csv", resource="organizations", content=content)
    import_job_apply(job=by_federation, user=federation_admin)
    again = export_file(resource="organizations", user=federation_admin, file_format="xlsx")

    assert by_malmo.rows.get().action == ImportAction.ERROR
    connection = Connection.objects.get(organization=directory)
    assert (connection.planned_on.isoformat(), connection.production_on.isoformat()) == (
        "2026-01-15",
        "2026-05-04",
    )
    assert connection.stage == "production"
    assert set(preview(federation_admin, "again.xlsx", resource="organizations", content=again).summary) == {
        ImportAction.UNCHANGED
    }


def test_exports_put_every_parent_before_its_children(federation_admin, malmo, psychiatry_codes):
    # given a unit whose name sorts before its parent's, and a sub-code that sorts before its code
    parent = organization_save(
        organization=Organization(
            type="ou", parent=malmo, name="Östra förvaltningen", local_identifier="ostra"
        )
    )
    organization_save(
        organization=Organization(type="ou", parent=parent, name="Avdelning A", local_identifier="avd-a")
    )

    organizations = read_table(
        export_file(resource="organizations", user=federation_admin, file_format="csv"), "o.csv"
    )
    codes = read_table(export_file(resource="codes", user=federation_admin, file_format="csv"), "k.csv")

    local = [values[1] for _number, values in organizations.rows]
    assert local.index("ostra") < local.index("avd-a")
    code_values = [values[3] for _number, values in codes.rows]
    assert code_values.index("psykiatri") < code_values.index("bup")


def test_a_workbook_is_read_from_the_sheet_excel_opens_on(directory, federation_admin):
    workbook = openpyxl.Workbook()
    workbook.active.title = "Anteckningar"
    workbook.active.append(["Inte en adresslista"])
    sheet = workbook.create_sheet("Adresser")
    sheet.append(["Identifier", "Name", "Participant identifier"])
    sheet.append(["sdk:aktivt-blad:0203:malmo.se", "Aktivt blad", "0203:malmo.se"])
    workbook.active = sheet
    content = io.BytesIO()
    workbook.save(content)

    job = preview(federation_admin, "tva-blad.xlsx", content=content.getvalue())

    assert rows(job) == [(2, "create", "sdk:aktivt-blad:0203:malmo.se")]
