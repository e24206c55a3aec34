"""One language at a time in the admin: what an administrator reads is Swedish, or English if chosen.

Every page is fetched through the test client after the admin's own language switch, and the
assertions name what is on the page or in the file: the menu's sections, the statistics'
outcome labels, a workbook's sheet name, a download's file name, the error pages.
"""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from django.http import HttpResponse
from django.template import loader
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import parse_header_parameters

from addressbook.choices import UsageMetric
from addressbook.models import UsageCount
from addressbook.spreadsheets.read import read_table
from tests.api.test_statistics_api import analyst_token

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("admin:statistics")


def speaking(client, language: str):
    """The client after choosing ``language`` with the admin's language switch."""
    client.post(reverse("set_language"), {"language": language, "next": reverse("admin:index")})
    return client


def file_name(response: HttpResponse) -> str:
    _value, params = parse_header_parameters(response["Content-Disposition"])
    return params["filename"]


def sheet_names(response: HttpResponse) -> list[str]:
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True).sheetnames


# -- the menu -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (
            "sv",
            [
                "Inloggningsspärrar",
                "Misslyckade inloggningsförsök",
                "Inloggningslogg",
                "Tvåstegsverifiering: autentiseringsappar",
                "Autentiseringsappar",
                "Tvåstegsverifiering: reservkoder",
                "Reservkoder",
            ],
        ),
        (
            "en",
            [
                "Login lockouts",
                "Access attempts",
                "Access logs",
                "Second factor: authenticator apps",
                "Authenticator apps",
                "Second factor: backup codes",
                "Backup codes",
            ],
        ),
    ],
)
def test_the_login_protections_sections_are_named_in_the_admins_language(admin_client, language, shown):
    index = speaking(admin_client, language).get(reverse("admin:index"))
    axes_page = admin_client.get(reverse("admin:app_list", args=["axes"]))
    attempts = admin_client.get(reverse("admin:axes_accessattempt_changelist"))

    for label in shown:
        assert f">{label}<" in index.text
    # The third parties' own names, which the menu showed before.
    for raw in ("Axes", "AXES", "Otp_Totp", "OTP_TOTP", "OTP_STATIC", "TOTP device", "Static device"):
        assert raw not in index.text
    assert shown[0] in axes_page.text
    assert "Axes" not in axes_page.text
    # The breadcrumbs of the section's pages too.
    assert f'axes/">{shown[0]}</a>' in attempts.text
    assert f"&rsaquo; {shown[1]}" in attempts.text
    # Failures are logged only when the settings ask for it (they do not): an empty table is left out.
    assert "accessfailurelog" not in index.text


# -- statistics -----------------------------------------------------------------------------
@pytest.fixture
def recipient_checks(db):
    today = timezone.localdate()
    for dimension, count in (("accepted", 5), ("rejected:not-found", 2), ("rejected:security", 1)):
        UsageCount.objects.create(
            day=today, metric=UsageMetric.RECIPIENT_CHECK, dimension=dimension, count=count
        )


@pytest.mark.parametrize(
    ("language", "rows"),
    [
        (
            "sv",
            [
                ["Godkänd", "", "5"],
                ["Avvisad", "Adressen finns inte", "2"],
                ["Avvisad", "Adressen tillhör en annan deltagare", "1"],
            ],
        ),
        (
            "en",
            [
                ["Accepted", "", "5"],
                ["Rejected", "Address not found", "2"],
                ["Rejected", "Address belongs to another participant", "1"],
            ],
        ),
    ],
)
def test_recipient_check_outcomes_are_labelled_on_the_statistics_page_and_in_its_files(
    as_user, analyst, recipient_checks, language, rows
):
    client = speaking(as_user(analyst), language)

    page = client.get(DASHBOARD)
    csv = client.get(reverse("admin:statistics_download", args=["recipient_checks", "csv"]))
    xlsx = client.get(reverse("admin:statistics_download", args=["recipient_checks", "xlsx"]))

    for row in rows:
        assert "".join(f"<td>{value}</td>" for value in row) in page.text
    assert [values for _number, values in read_table(csv.content, "checks.csv").rows] == rows
    assert "not-found" not in csv.content.decode("utf-8-sig")
    with translation.override(language):
        title = str(translation.gettext("Recipient checks by outcome"))
    assert sheet_names(xlsx) == [title]
    assert file_name(csv).startswith(
        "adressbokskontroller-per-utfall-" if language == "sv" else "recipient-checks-by-outcome-"
    )


def test_the_api_keeps_the_machine_values_of_recipient_checks(client, recipient_checks):
    document = client.get(
        "/api/statistics/recipient_checks", HTTP_AUTHORIZATION=analyst_token(), HTTP_ACCEPT_LANGUAGE="sv"
    ).json()

    values = {value for row in document["data"] for value in row["attributes"].values()}
    assert {"accepted", "rejected", "not-found", "security"} <= values
    assert "Avvisad" not in json.dumps(document)


def test_organisation_statuses_are_labelled_in_the_statistics_download(as_user, analyst, malmo):
    client = speaking(as_user(analyst), "sv")

    csv = client.get(reverse("admin:statistics_download", args=["organizations_by_category", "csv"]))

    rows = [values for _number, values in read_table(csv.content, "organisations.csv").rows]
    assert ["Deltagarorganisation", "Kommun", malmo.county_code, "Aktiv", "1"] in rows


# -- sheets and file names --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "sheet", "template", "export_stem"),
    [
        ("sv", "Funktionsadresser", "funktionsadresser-mall.csv", "funktionsadresser-"),
        ("en", "Function addresses", "function-addresses-template.csv", "function-addresses-"),
    ],
)
def test_exports_and_templates_are_named_in_the_admins_language(
    as_user, malmo_admin, malmo_address, language, sheet, template, export_stem
):
    client = speaking(as_user(malmo_admin), language)

    export = client.get(reverse("admin:addressbook_importjob_export", args=["addresses", "xlsx"]))
    blank = client.get(reverse("admin:addressbook_importjob_template", args=["addresses", "xlsx"]))
    blank_csv = client.get(reverse("admin:addressbook_importjob_template", args=["addresses", "csv"]))

    assert sheet_names(export) == [sheet]
    assert sheet_names(blank) == [sheet]
    assert file_name(blank_csv) == template
    assert file_name(export) == f"{export_stem}{timezone.localdate():%Y-%m-%d}.xlsx"


# -- error pages ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "title", "site"),
    [("sv", "Åtkomst nekad", "SDK-adressboken"), ("en", "Access denied", "SDK address book")],
)
def test_a_page_the_role_does_not_open_is_a_403_in_the_admins_look(as_user, analyst, language, title, site):
    page = speaking(as_user(analyst), language).get(reverse("admin:addressbook_importjob_changelist"))

    assert page.status_code == 403
    assert f"<h1>{title}</h1>" in page.text
    assert f'<div id="site-name"><a href="{reverse("admin:index")}">{site}</a></div>' in page.text
    assert "admin/css/base.css" in page.text
    assert "403 Forbidden" not in page.text


@pytest.mark.parametrize(("language", "title"), [("sv", "Sidan finns inte"), ("en", "Page not found")])
def test_an_unknown_admin_page_is_a_404_in_the_admins_look(admin_client, language, title):
    page = speaking(admin_client, language).get("/admin/no-such-page/")

    assert page.status_code == 404
    assert f"<h1>{title}</h1>" in page.text
    assert "admin/css/base.css" in page.text


def test_an_unknown_path_under_the_api_stays_a_jsonapi_error(admin_client):
    answer = speaking(admin_client, "sv").get("/api/addresses/no-such-thing/nothing")

    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/vnd.api+json"
    assert answer.json()["errors"][0]["detail"] == "No such resource."


@pytest.mark.parametrize(("language", "title"), [("sv", "Serverfel"), ("en", "Server error")])
def test_the_500_page_is_translated_and_needs_no_request_or_database(
    django_assert_num_queries, language, title
):
    # As Django's server_error renders it: no request, no context.
    with translation.override(language), django_assert_num_queries(0):
        page = loader.get_template("500.html").render()

    assert f"<h1>{title}</h1>" in page
    assert "admin/css/base.css" in page
