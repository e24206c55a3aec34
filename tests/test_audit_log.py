"""The global audit log: every change, filterable, exportable, and impossible to rewrite."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import DatabaseError
from django.urls import reverse

from addressbook.choices import HistoryChannel
from addressbook.database_roles import owner_connection
from addressbook.history import history_context
from addressbook.models import FunctionAddress
from addressbook.services.addresses import function_address_save
from tests.factories import FunctionAddressFactory, SubOrganizationFactory

pytestmark = pytest.mark.django_db

LOG = reverse("admin:addressbook_auditevent_changelist")
EXPORT_CSV = reverse("admin:addressbook_auditevent_export_csv")
EXPORT_XLSX = reverse("admin:addressbook_auditevent_export_xlsx")


def rename(address: FunctionAddress, name: str, *, user=None, channel=HistoryChannel.ADMIN) -> None:
    with history_context(channel=channel, user=user):
        address.name = name
        function_address_save(function_address=address)


def rows(page) -> list:
    return [event.entry for event in page.context["cl"].result_list]


@pytest.fixture
def history(malmo_address, lund_address, malmo_admin, lund_admin):
    """Malmö's administrator renames a Malmö address in the admin; an import renames Lund's."""
    rename(malmo_address, "Barn och unga", user=malmo_admin)
    rename(lund_address, "Socialtjänst Lunds kommun", user=lund_admin, channel=HistoryChannel.IMPORT)
    return malmo_address, lund_address


def test_the_log_shows_every_change_newest_first_with_before_and_after(as_user, federation_admin, history):
    # (one test is one transaction: every change has the same time, the order is the recording's)
    page = as_user(federation_admin).get(LOG, {"record": "addressbook.FunctionAddress"})

    newest, second = rows(page)[:2]
    assert (newest.username, newest.channel, newest.name) == (
        "lund-admin",
        "Import",
        "Socialtjänst Lunds kommun",
    )
    assert (second.username, second.record) == ("malmo-admin", "funktionsadress")
    assert ("namn", "Socialtjänsten, barn och unga", "Barn och unga") in second.changes
    assert "Socialtjänsten, barn och unga → Barn och unga" in page.text


def test_the_log_filters_by_user_channel_and_date(as_user, federation_admin, history, malmo_admin):
    client = as_user(federation_admin)

    by_user = rows(client.get(LOG, {"user": malmo_admin.pk}))
    by_channel = rows(client.get(LOG, {"channel": HistoryChannel.IMPORT}))
    today = rows(client.get(LOG, {"pgh_created_at__gte": "2000-01-01 00:00:00+01:00"}))
    long_ago = rows(client.get(LOG, {"pgh_created_at__lt": "2000-01-01 00:00:00+01:00"}))

    assert {entry.username for entry in by_user} == {"malmo-admin"}
    assert [entry.name for entry in by_channel] == ["Socialtjänst Lunds kommun"]
    assert len(today) >= 2
    assert long_ago == []


def test_the_log_of_an_organisation_covers_its_sub_organisations_and_their_addresses(
    as_user, federation_admin, malmo, history
):
    # given a department of Malmö with an address, created after the renames
    department = SubOrganizationFactory(parent=malmo, name="Fritidsförvaltningen")
    FunctionAddressFactory(organization=department, name="Fritid, bokning")

    names = {entry.name for entry in rows(as_user(federation_admin).get(LOG, {"organization": malmo.pk}))}

    assert {"Barn och unga", "Fritidsförvaltningen", "Fritid, bokning", "Malmö stad"} <= names
    assert not any("Lund" in name for name in names)


def test_the_log_finds_a_record_by_name(as_user, federation_admin, history):
    names = {entry.name for entry in rows(as_user(federation_admin).get(LOG, {"q": "lunds kommun"}))}

    assert names == {"Socialtjänst Lunds kommun", "Lunds kommun"}


def test_the_export_holds_exactly_what_the_filters_show(as_user, federation_admin, history, malmo_admin):
    client = as_user(federation_admin)

    csv_answer = client.get(EXPORT_CSV, {"user": malmo_admin.pk})
    xlsx_answer = client.get(EXPORT_XLSX, {"user": malmo_admin.pk})

    text = b"".join(csv_answer.streaming_content).decode("utf-8-sig")
    csv_rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx_answer.streaming_content))).active
    xlsx_rows = [[cell or "" for cell in row] for row in sheet.iter_rows(values_only=True)]
    assert csv_answer["Content-Disposition"].startswith('attachment; filename="audit-log-')
    assert len(csv_rows) == len(xlsx_rows) == 2  # header + the one change by Malmö's administrator
    assert csv_rows[1][1:6] == [
        "malmo-admin",
        "Administrationsgränssnitt",
        "funktionsadress",
        "Barn och unga",
        "ändrad",
    ]
    assert "namn: Socialtjänsten, barn och unga → Barn och unga" in csv_rows[1][6]
    assert xlsx_rows[1] == csv_rows[1]


def test_exported_text_cannot_run_as_a_spreadsheet_formula(as_user, federation_admin, malmo_address):
    rename(malmo_address, '=HYPERLINK("https://evil.example","Klicka")')

    text = b"".join(as_user(federation_admin).get(EXPORT_CSV).streaming_content).decode("utf-8-sig")

    names = [row[4] for row in csv.reader(io.StringIO(text), delimiter=";")]
    assert '\'=HYPERLINK("https://evil.example","Klicka")' in names
    assert not any(name.startswith("=") for name in names)


@pytest.mark.parametrize("persona", ["malmo_admin", "analyst"])
def test_only_federation_administrators_read_or_export_the_log(as_user, request, persona, history):
    client = as_user(request.getfixturevalue(persona))

    assert [client.get(url).status_code for url in (LOG, EXPORT_CSV, EXPORT_XLSX)] == [403, 403, 403]


def test_the_log_cannot_be_edited_or_deleted_through_the_application(as_user, federation_admin, history):
    client = as_user(federation_admin)
    event = client.get(LOG).context["cl"].result_list[0]

    page = client.get(LOG)
    delete = client.get(reverse("admin:addressbook_auditevent_delete", args=[event.pk]))
    change = client.post(reverse("admin:addressbook_auditevent_change", args=[event.pk]), {"pgh_label": "x"})

    assert "action-checkbox" not in page.text
    assert delete.status_code == change.status_code == 403


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("statement", ["UPDATE {table} SET name = 'Förfalskad'", "DELETE FROM {table}"])
def test_the_database_refuses_to_rewrite_history(history, statement):
    # Even the owner of the tables (the application may not try: test_database_privileges.py).
    with (
        pytest.raises(DatabaseError, match="Cannot update or delete"),
        owner_connection() as owner,
        owner.cursor() as cursor,
    ):
        cursor.execute(statement.format(table="addressbook_functionaddressevent"))


def test_an_organisation_page_links_to_its_log_for_federation_administrators(
    as_user, federation_admin, malmo_admin, malmo
):
    url = reverse("admin:addressbook_organization_change", args=[malmo.pk])

    for_federation = as_user(federation_admin).get(url)
    for_malmo = as_user(malmo_admin).get(url)

    assert f"{LOG}?organization={malmo.pk}" in for_federation.text
    assert LOG not in for_malmo.text
