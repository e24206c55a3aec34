"""Import and export in the admin, as administrators use them (and may not misuse them)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.http import parse_header_parameters

from addressbook.choices import ImportStatus
from addressbook.models import FunctionAddress, ImportJob
from addressbook.spreadsheets.read import read_table
from tests.conftest import wait_for_status
from tests.factories import persona
from tests.imports_helpers import FILES, UPLOAD
from tests.test_celery_worker import worker  # noqa: F401 - the real worker fixture, used by name

pytestmark = pytest.mark.django_db

JOBS = reverse("admin:addressbook_importjob_changelist")


def upload(client, name: str, resource: str = "addresses", **fields):
    content = (FILES / name).read_bytes()
    return client.post(
        UPLOAD, {"resource": resource, "file": SimpleUploadedFile(name, content), **fields}, follow=True
    )


def test_an_administrator_uploads_sees_the_preview_and_confirms_it(
    as_user, malmo_admin, malmo_address, psychiatry_codes
):
    client = as_user(malmo_admin)

    page = upload(client, "adresser_excel_sv.csv")
    job = ImportJob.objects.get()
    confirmed = client.post(reverse("admin:addressbook_importjob_confirm", args=[job.pk]), follow=True)

    assert "sdk:forsorjningsstod:0203:malmo.se" in page.text
    assert "Socialtjänsten, barn och unga → Socialtjänsten, barn och unga (Malmö)" in page.text
    assert "Importera enligt förhandsgranskningen" in page.text
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED
    assert "Importerat." in confirmed.text
    assert FunctionAddress.objects.filter(identifier="sdk:forsorjningsstod:0203:malmo.se").exists()


def test_rows_in_error_are_shown_and_downloaded_and_cannot_be_confirmed(as_user, malmo_admin, malmo):
    client = as_user(malmo_admin)

    page = upload(client, "duplicate_keys.csv")
    job = ImportJob.objects.get()
    errors = client.get(reverse("admin:addressbook_importjob_errors", args=[job.pk]))
    confirm = client.post(reverse("admin:addressbook_importjob_confirm", args=[job.pk]), follow=True)

    assert "Samma nyckel finns på en tidigare rad i filen." in page.text
    assert "Importera enligt förhandsgranskningen" not in page.text
    table = read_table(errors.content, "fel.csv")
    assert [values[0] for _number, values in table.rows] == ["SDK:Dubbel:0203:malmo.se"]
    assert "errornote" in confirm.text
    assert not FunctionAddress.objects.filter(identifier__iexact="sdk:dubbel:0203:malmo.se").exists()


def test_a_hostile_file_gets_its_reason_on_the_page(as_user, malmo_admin, malmo):
    page = upload(as_user(malmo_admin), "junk.csv")

    assert "Filen är varken CSV eller Excel" in page.text


def test_an_organisation_administrator_cannot_choose_code_systems_or_see_others_imports(
    as_user, malmo_admin, lund_admin, malmo, lund, psychiatry_codes
):
    upload(as_user(lund_admin), "addresses_utf8_bom.csv")
    client = as_user(malmo_admin)

    codes = upload(client, "addresses_utf8_bom.csv", resource="codes")
    listed = client.get(JOBS)
    other = client.get(reverse("admin:addressbook_importjob_change", args=[ImportJob.objects.get().pk]))

    assert "resource" in codes.context["form"].errors
    assert list(listed.context["cl"].result_list) == []
    assert other.status_code == 404


def test_exports_and_templates_download_per_resource(as_user, malmo_admin, malmo_address, lund_address):
    client = as_user(malmo_admin)

    export = client.get(reverse("admin:addressbook_importjob_export", args=["addresses", "xlsx"]))
    template = client.get(reverse("admin:addressbook_importjob_template", args=["organizations", "csv"]))
    bad = client.get(reverse("admin:addressbook_importjob_export", args=["users", "csv"]))

    table = read_table(export.content, "export.xlsx")
    assert [values[0] for _number, values in table.rows] == ["sdk:socialtjanst:0203:malmo.se"]
    assert read_table(template.content, "mall.csv").headers[0] == "Deltagaridentifierare"
    assert bad.status_code == 404


@pytest.mark.parametrize(
    "url", [UPLOAD, JOBS, reverse("admin:addressbook_importjob_export", args=["addresses", "csv"])]
)
def test_analysts_and_visitors_cannot_import_or_export(as_user, analyst, client, url):
    assert as_user(analyst).get(url).status_code == 403
    client.logout()
    assert client.get(url).status_code == 302


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_previewed_and_imported_by_the_worker(
    worker,  # noqa: F811 - the fixture imported above
    client,
    settings,
    malmo,
    psychiatry_codes,
):
    # given a file above the size previewed while the administrator waits
    settings.IMPORT_INLINE_BYTES = 0
    user = persona("organization", "malmo-admin", [malmo])
    from tests.conftest import login_verified

    login_verified(client, user)

    # when it is uploaded, and the preview confirmed once the worker has made it
    upload(client, "adresser_excel_sv.csv")
    job = ImportJob.objects.get()
    wait_for_status(job, ImportStatus.PREVIEWED)
    client.post(reverse("admin:addressbook_importjob_confirm", args=[job.pk]))
    wait_for_status(job, ImportStatus.APPLIED)

    # then the worker applied it, and the page shows the outcome
    assert FunctionAddress.objects.filter(identifier="sdk:forsorjningsstod:0203:malmo.se").exists()
    page = client.get(reverse("admin:addressbook_importjob_change", args=[job.pk]))
    assert "Importerad" in page.text


def test_sync_is_refused_for_an_organisation_the_administrator_does_not_keep(
    as_user, malmo_admin, malmo, lund
):
    page = upload(as_user(malmo_admin), "adresser_excel_sv.csv", organization=str(lund.pk), sync="on")

    assert "organization" in page.context["form"].errors
    assert not ImportJob.objects.exists()


def test_sync_without_an_organisation_is_refused_on_the_form(as_user, malmo_admin, malmo):
    page = upload(as_user(malmo_admin), "adresser_excel_sv.csv", sync="on")

    assert "organization" in page.context["form"].errors
    assert not ImportJob.objects.exists()


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
