"""Spreadsheet import and export: natural keys, round trips, the columns of each record type."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from addressbook.choices import ImportAction, ImportStatus
from addressbook.models import Code, Connection, FunctionAddress, Organization
from addressbook.services.imports import export_file, import_job_apply, template_file
from addressbook.services.organizations import organization_save
from addressbook.spreadsheets.read import read_table
from tests.factories import CodeFactory, FunctionAddressCodeFactory
from tests.imports_helpers import preview, rows

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("resource", ["codes", "addresses"])
def test_versioned_code_systems_export_and_reimport_unchanged(federation_admin, malmo_address, resource):
    # Code systems are unique per (identifier, version): two versions of one code system.
    CodeFactory(code_system__identifier="1.2.752.129.2.2.3.1", code_system__version="1", code="a")
    second = CodeFactory(code_system__identifier="1.2.752.129.2.2.3.1", code_system__version="2", code="a")
    FunctionAddressCodeFactory(function_address=malmo_address, code=second)

    content = export_file(resource=resource, user=federation_admin, file_format="csv")
    job = preview(federation_admin, "export.csv", resource, content)

    assert set(job.summary) == {"unchanged"}, [r.errors for r in job.rows.all()]


def test_xlsx_round_trip_keeps_multi_line_descriptions(federation_admin, malmo, malmo_address):
    # what a browser's textarea sends to the admin: CRLF line breaks
    FunctionAddress.objects.filter(pk=malmo_address.pk).update(description="Rad 1\r\nRad 2")
    Organization.objects.filter(pk=malmo.pk).update(description="Linje 1\r\nLinje 2")

    for resource in ("addresses", "organizations"):
        content = export_file(resource=resource, user=federation_admin, file_format="xlsx")
        job = preview(federation_admin, "export.xlsx", resource, content)
        assert set(job.summary) == {"unchanged"}, [r.changes for r in job.rows.all()]


def test_sub_organisations_are_matched_by_their_local_identifier_and_parent(directory, federation_admin):
    job = preview(federation_admin, "organisationer.xlsx", resource="organizations")
    import_job_apply(job=job, user=federation_admin)

    unit = Organization.objects.get(local_identifier="sof-ekonomi")
    again = preview(federation_admin, "organisationer.xlsx", resource="organizations")

    assert [row[1] for row in rows(job)] == ["unchanged", "create", "create"]
    assert unit.parent.local_identifier == "sof"
    assert unit.participant_identifier == "0203:malmo.se"
    assert set(again.summary) == {ImportAction.UNCHANGED}


def test_duplicate_keys_within_the_file_are_errors_on_the_later_row(directory, federation_admin):
    job = preview(federation_admin, "duplicate_keys.csv")

    assert [(row.number, row.action) for row in job.rows.all()] == [(2, "create"), (3, "error")]


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


def test_codes_cannot_hold_the_separators_of_the_address_sheet(psychiatry_codes):
    # A code is written in a cell with others ("a, b") and after its system ("system#a").
    system = psychiatry_codes[0].code_system
    for value in ("F32,1", "A#1"):
        with pytest.raises(ValidationError) as refused:
            Code(code_system=system, code=value, display_name=value).full_clean()
        assert "code" in refused.value.message_dict


# ------------------------------------------------------------------------------
# Columns of each record type
# ------------------------------------------------------------------------------
def test_a_template_has_the_headers_and_imports_as_nothing(federation_admin):
    for file_format in ("csv", "xlsx"):
        table = read_table(
            template_file(resource="addresses", file_format=file_format), f"mall.{file_format}"
        )
        assert table.headers[:3] == ["Identifierare", "Namn", "Beskrivning"]
        assert table.rows == []


def test_the_description_limit_holds_for_imports(federation_admin, malmo):
    content = b"Identifier;Name;Participant identifier;Description\nsdk:x:0203:malmo.se;X;0203:malmo.se;"
    job = preview(federation_admin, "a.csv", "addresses", content + b"d" * 100_000 + b"\n")

    assert job.summary == {"error": 1}  # the admin allows 1024 characters


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


# ------------------------------------------------------------------------------
# Exports
# ------------------------------------------------------------------------------
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
