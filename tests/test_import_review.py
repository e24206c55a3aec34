"""Defects a review of the spreadsheet import/export found (issue 5), each kept as a test."""

from __future__ import annotations

import io
import signal
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.urls import reverse
from django.utils import translation
from django.utils.http import parse_header_parameters

import addressbook.services.imports as imports_service
from addressbook.choices import ImportStatus, Role
from addressbook.models import Code, FunctionAddress, ImportJob, Organization
from addressbook.services.imports import (
    ImportRefusedError,
    export_file,
    import_job_apply,
    import_job_create,
    import_job_preview,
)
from addressbook.services.organizations import organization_save
from addressbook.spreadsheets.read import TableError, read_table
from tests.factories import CodeFactory, FunctionAddressCodeFactory, FunctionAddressFactory, persona

pytestmark = pytest.mark.django_db
UPLOAD = reverse("admin:addressbook_importjob_add")


def preview(user, name, resource="addresses", content=b"", **options) -> ImportJob:
    job = import_job_create(user=user, resource=resource, file_name=name, content=content, **options)
    return import_job_preview(job=job)


def xlsx(patch=lambda xml: xml) -> bytes:
    """A small valid address sheet, its sheet XML passed through ``patch``."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["Identifier", "Name", "Participant identifier"])
    workbook.active.append(["sdk:x:0203:malmo.se", "X", "0203:malmo.se"])
    plain = io.BytesIO()
    workbook.save(plain)
    source, output = zipfile.ZipFile(plain), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, patch(data) if name == "xl/worksheets/sheet1.xml" else data)
    return output.getvalue()


# ------------------------------------------------------------------------------
# Round trips
# ------------------------------------------------------------------------------
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


def test_codes_cannot_hold_the_separators_of_the_address_sheet(psychiatry_codes):
    # A code is written in a cell with others ("a, b") and after its system ("system#a").
    system = psychiatry_codes[0].code_system
    for value in ("F32,1", "A#1"):
        with pytest.raises(ValidationError) as refused:
            Code(code_system=system, code=value, display_name=value).full_clean()
        assert "code" in refused.value.message_dict


def test_a_sub_organisation_administrator_can_reimport_their_own_export(malmo):
    sof = organization_save(
        organization=Organization(type="ou", parent=malmo, name="Socialförvaltningen", local_identifier="sof")
    )
    organization_save(
        organization=Organization(type="ou", parent=sof, name="Enhet", local_identifier="enhet")
    )
    sof_admin = persona(Role.ORGANIZATION_ADMINISTRATOR, "sof-admin", [sof])

    content = export_file(resource="organizations", user=sof_admin, file_format="csv")
    job = preview(sof_admin, "export.csv", "organizations", content)

    assert set(job.summary) == {"unchanged"}, [r.errors for r in job.rows.all()]


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


# ------------------------------------------------------------------------------
# Roles
# ------------------------------------------------------------------------------
def test_an_organisation_administrator_cannot_clear_their_organisation_number(lund_admin, lund):
    content = (
        b"Participant identifier;Local identifier;Name;Organisation number\n0203:lund.se;;Lunds kommun;\n"
    )

    job = preview(lund_admin, "o.csv", "organizations", content)

    assert job.summary == {"error": 1}
    with pytest.raises(ImportRefusedError):
        import_job_apply(job=job, user=lund_admin)
    lund.refresh_from_db()
    assert lund.organization_number == "2120001165"


def test_an_organisation_administrator_cannot_give_a_new_unit_anothers_organisation_number(
    lund_admin, lund, malmo
):
    content = (
        b"Participant identifier;Local identifier;Name;Organisation number\n"
        b"0203:lund.se;ny;Ny enhet;212000-1124\n"  # Malmo stad's number
    )

    job = preview(lund_admin, "o.csv", "organizations", content)

    assert job.summary == {"error": 1}


# ------------------------------------------------------------------------------
# Hostile input
# ------------------------------------------------------------------------------
def test_a_tiny_xlsx_cannot_keep_a_worker_busy_for_an_hour(malmo):
    # 5 kB: a declared dimension of A1:XFD1048576 and one cell in the last row
    data = xlsx(
        lambda xml: xml.replace(b'ref="A1:C2"', b'ref="A1:XFD1048576"').replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        )
    )

    def too_slow(*_args):
        raise TimeoutError

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.setitimer(signal.ITIMER_REAL, 10)
    try:
        read_table(data, "a.xlsx")
    except TableError:
        pass
    except TimeoutError:
        pytest.fail("a 5 kB .xlsx kept read_table busy for over 10 s (16384 x 1M empty cells)")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "patch",
    [
        lambda xml: xml.replace(b"</sheetData>", b'<row r="3"><c r="A3"><v>1</c></row></sheetData>'),
        lambda xml: xml.replace(
            b'<c r="B2" t="inlineStr"><is><t>X</t></is></c>', b'<c r="B2"><v>abc</v></c>'
        ),
        lambda xml: xml.replace(
            b'<c r="B2" t="inlineStr"><is><t>X</t></is></c>', b'<c r="B2" t="s"><v>9</v></c>'
        ),
    ],
    ids=["broken-xml", "bad-number", "missing-shared-string"],
)
def test_a_damaged_xlsx_gets_a_clear_error_not_a_500(as_user, malmo_admin, malmo, patch):
    client = as_user(malmo_admin)
    client.raise_request_exception = False

    response = client.post(
        UPLOAD, {"resource": "addresses", "file": SimpleUploadedFile("a.xlsx", xlsx(patch))}, follow=True
    )

    assert response.status_code == 200
    assert ImportJob.objects.get().status == ImportStatus.FAILED


@pytest.mark.parametrize("cell", ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"])
def test_formulas_starting_with_plus_or_at_are_refused_like_equals(federation_admin, malmo, cell):
    content = (
        f"Identifier;Name;Participant identifier;Description\nsdk:x:0203:malmo.se;X;0203:malmo.se;{cell}\n"
    )

    job = preview(federation_admin, "a.csv", "addresses", content.encode())

    assert job.status == ImportStatus.FAILED


def test_the_description_limit_holds_for_imports(federation_admin, malmo):
    content = b"Identifier;Name;Participant identifier;Description\nsdk:x:0203:malmo.se;X;0203:malmo.se;"
    job = preview(federation_admin, "a.csv", "addresses", content + b"d" * 100_000 + b"\n")

    assert job.summary == {"error": 1}  # the admin allows 1024 characters


def test_the_error_file_of_a_non_latin1_file_name_downloads_as_an_attachment(as_user, malmo_admin, malmo):
    client = as_user(malmo_admin)
    content = b"Identifier;Name\nsdk:<x>:0203:malmo.se;X\n"
    client.post(
        UPLOAD, {"resource": "addresses", "file": SimpleUploadedFile("Adresser – Malmö.csv", content)}
    )

    response = client.get(reverse("admin:addressbook_importjob_errors", args=[ImportJob.objects.get().pk]))

    disposition, params = parse_header_parameters(response["Content-Disposition"])
    assert disposition == "attachment"  # now the whole header is "=?utf-8?b?...?="
    assert params.get("filename") == "Adresser – Malmö-fel.csv"


def test_error_files_do_not_500(as_user, malmo_admin, malmo):
    client = as_user(malmo_admin)
    client.raise_request_exception = False
    uploads = {
        # a CSV saved under an .xlsx name, with a control character in a row (an error row)
        "a.xlsx": b"Identifier;Name;Participant identifier\nsdk:x:0203:malmo.se;A\x01B;0203:malmo.se\n",
        # an unreadable file (status failed), whose errors URL is typed in
        "b.csv": b"\x00junk" * 10,
    }
    for name, content in uploads.items():
        client.post(UPLOAD, {"resource": "addresses", "file": SimpleUploadedFile(name, content)})

    statuses = {
        job.file_name: client.get(reverse("admin:addressbook_importjob_errors", args=[job.pk])).status_code
        for job in ImportJob.objects.all()
    }

    assert 500 not in statuses.values(), statuses  # IllegalCharacterError, TableError


def test_a_long_file_name_with_dots_is_accepted(as_user, malmo_admin, malmo):
    name = (
        "Funktionsadresser.Malmo.stad.efter.genomgang.med.enhetscheferna.2026.11.29.slutversion.godkand.csv"
    )
    client = as_user(malmo_admin)
    client.raise_request_exception = False

    response = client.post(
        UPLOAD,
        {
            "resource": "addresses",
            "file": SimpleUploadedFile(name, b"Identifier;Name\nsdk:a:0203:malmo.se;A\n"),
        },
    )

    assert response.status_code == 302  # now 400 Bad Request (SuspiciousFileOperation)


# ------------------------------------------------------------------------------
# Atomicity, worker, database-level failures
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


def test_a_row_refused_by_the_database_gets_a_clear_error(federation_admin):
    lines = ["Code system identifier;Code system name;Code;Display name;Parent code"]
    lines += [f"1.2.3;Djup;k{i};K {i};{f'k{i - 1}' if i else ''}" for i in range(34)]

    job = preview(federation_admin, "c.csv", "codes", ("\n".join(lines) + "\n").encode())

    (error,) = job.rows.filter(action="error")
    column, message = error.errors[0]
    assert column  # names the parent column
    assert "PL/pgSQL" not in message
    assert "own ancestor" not in message
