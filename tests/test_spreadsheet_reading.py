"""Reading uploaded spreadsheets (read_table): encodings, sheets, and hostile files."""

from __future__ import annotations

import io
import signal
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from addressbook.choices import ImportStatus
from addressbook.models import FunctionAddress, ImportJob
from addressbook.services.imports import import_job_apply
from addressbook.spreadsheets.read import TableError, read_table
from tests.imports_helpers import UPLOAD, preview, rows

pytestmark = pytest.mark.django_db


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
# Encodings and sheets
# ------------------------------------------------------------------------------
def test_english_headers_utf8_with_bom_and_commas_are_read(directory, federation_admin):
    job = preview(federation_admin, "addresses_utf8_bom.csv")
    import_job_apply(job=job, user=federation_admin)

    address = FunctionAddress.objects.get(identifier="sdk:aldreomsorg:0203:malmo.se")
    assert address.name == "Äldreomsorg – hemtjänst"
    assert list(address.codes.values_list("code", flat=True)) == ["psykiatri"]


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


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(directory, federation_admin, settings):
    settings.IMPORT_MAX_BYTES = 100

    job = preview(federation_admin, "x.csv", content=b"Identifier;Name\n" + b"sdk:a:0203:malmo.se;A\n" * 20)

    assert job.status == ImportStatus.FAILED
    assert "larger than" in job.message or "större än" in job.message


@pytest.mark.parametrize("cell", ["+cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0"])
def test_formulas_starting_with_plus_or_at_are_refused_like_equals(federation_admin, malmo, cell):
    content = (
        f"Identifier;Name;Participant identifier;Description\nsdk:x:0203:malmo.se;X;0203:malmo.se;{cell}\n"
    )

    job = preview(federation_admin, "a.csv", "addresses", content.encode())

    assert job.status == ImportStatus.FAILED


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
