"""Statistics for analysts: figures that equal a hand count, kept idempotently, shown to the right people."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone, translation

from addressbook.choices import ReportStatus, UsageMetric
from addressbook.models import Connection, StatisticSnapshot, StatisticsReport, UsageCount
from addressbook.selectors.datasets import dataset_table
from addressbook.services.api_clients import api_client_create
from addressbook.services.statistics import statistics_compute, statistics_report_build
from addressbook.services.usage import usage_rollup
from addressbook.spreadsheets.read import read_table
from tests.conftest import wait_for_status
from tests.factories import FunctionAddressCodeFactory, FunctionAddressFactory, persona
from tests.test_celery_worker import worker  # noqa: F401 - the real worker fixture, used by name

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
DASHBOARD = reverse("admin:statistics")


@pytest.fixture
def known(malmo, lund, malmo_address, lund_address, psychiatry_codes):
    """A small book with known usage: two clients, two days, two municipalities."""
    _psychiatry, bup = psychiatry_codes
    FunctionAddressCodeFactory(function_address=malmo_address, code=bup)  # BUP lies under psykiatri
    FunctionAddressFactory(organization=malmo, identifier="sdk:gammal:0203:malmo.se", status="inactive")
    Connection.objects.create(
        organization=malmo, planned_on=datetime.date(2026, 1, 10), production_on=datetime.date(2026, 3, 2)
    )
    Connection.objects.create(
        organization=lund, planned_on=datetime.date(2026, 2, 1), test_on=datetime.date(2026, 4, 1)
    )
    malmo_client, _token = api_client_create(name="Malmö meddelandetjänst")
    lund_client, _token = api_client_create(name="Lund meddelandetjänst")
    for day, client, metric, dimension, count in (
        (YESTERDAY, malmo_client, UsageMetric.REQUEST, "address-list", 10),
        (TODAY, malmo_client, UsageMetric.REQUEST, "address-list", 5),
        (TODAY, lund_client, UsageMetric.REQUEST, "recipient-check", 7),
        (TODAY, None, UsageMetric.REQUEST, "address-detail", 3),
        (TODAY, None, UsageMetric.ADDRESS, str(malmo_address.pk), 4),
        (YESTERDAY, lund_client, UsageMetric.ADDRESS, str(malmo_address.pk), 2),
        (TODAY, lund_client, UsageMetric.ADDRESS, str(lund_address.pk), 1),
        (TODAY, None, UsageMetric.ZERO_HIT_SEARCH, "tandvård", 6),
        (TODAY, lund_client, UsageMetric.RECIPIENT_CHECK, "accepted", 5),
        (TODAY, lund_client, UsageMetric.RECIPIENT_CHECK, "rejected:not-found", 2),
    ):
        UsageCount.objects.create(day=day, client=client, metric=metric, dimension=dimension, count=count)
    return malmo_address


def rows(key: str, first: datetime.date = YESTERDAY, last: datetime.date = TODAY) -> list[list]:
    with translation.override("sv"):  # as an analyst sees them (an API test may have left English on)
        return dataset_table(key, first, last)[1]


def test_usage_figures_equal_a_hand_count(known):
    assert rows("lookups_per_day") == [[YESTERDAY.isoformat(), 10, 0], [TODAY.isoformat(), 15, 3]]
    assert rows("top_clients") == [
        ["Malmö meddelandetjänst", 15],
        ["Lund meddelandetjänst", 7],
        ["anonym", 3],
    ]
    assert rows("top_addresses") == [
        ["sdk:socialtjanst:0203:malmo.se", "Socialtjänsten, barn och unga", "Malmö stad", 6],
        ["sdk:socialtjanst:0203:lund.se", "Socialtjänst Lund", "Lunds kommun", 1],
    ]
    assert rows("zero_hit_searches") == [["tandvård", 6]]
    assert rows("recipient_checks") == [["accepted", "", 5], ["rejected", "not-found", 2]]
    assert rows("lookups_per_day", TODAY, TODAY) == [[TODAY.isoformat(), 15, 3]]


def test_directory_figures_equal_a_hand_count(known):
    assert rows("addresses_per_organization") == [
        ["0203:lund.se", "Lunds kommun", 1],
        ["0203:malmo.se", "Malmö stad", 1],
    ]
    assert ["Verksamhetsområden", "bup", "Barn- och ungdomspsykiatri", 1] in rows("addresses_per_code")
    # Malmö has a BUP address, which counts for psykiatri, the top-level code; Lund has none.
    assert rows("coverage") == [
        ["Lunds kommun", "Kommun", "Skåne län", "nej"],
        ["Malmö stad", "Kommun", "Skåne län", "ja"],
    ]
    assert rows("coverage_by_county") == [["Skåne län", 2, 1]]
    assert rows("connections_by_county") == [["Skåne län", 0, 1, 0, 1, 0]]
    assert rows("connected_over_time") == [["2026-03", 1, 1]]
    assert ["o", "municipality", "12", "active", 2] in rows("organizations_by_category")


def test_computing_a_day_twice_leaves_the_same_snapshot(known):
    statistics_compute(day=TODAY)
    first = {snapshot.dataset: snapshot.rows for snapshot in StatisticSnapshot.objects.filter(day=TODAY)}

    statistics_compute(day=TODAY)

    again = {snapshot.dataset: snapshot.rows for snapshot in StatisticSnapshot.objects.filter(day=TODAY)}
    assert again == first
    assert StatisticSnapshot.objects.filter(day=TODAY).count() == len(first) > 5


def test_the_command_computes_a_given_day(known, capsys):
    call_command("compute_statistics", "--date", "2026-11-01")

    assert StatisticSnapshot.objects.filter(day=datetime.date(2026, 11, 1), dataset="coverage").exists()
    assert "2026-11-01" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("who", "status"), [("analyst", 200), ("federation_admin", 200), ("malmo_admin", 403)]
)
def test_only_analysts_and_federation_administrators_see_the_dashboard(as_user, request, known, who, status):
    client = as_user(request.getfixturevalue(who))

    page = client.get(DASHBOARD)
    download = client.get(reverse("admin:statistics_download", args=["top_clients", "csv"]), {"days": 7})

    assert (page.status_code, download.status_code) == (status, status)
    if status == 200:
        assert "<svg" in page.text
        assert "Malmö meddelandetjänst" in page.text
        assert "Skåne län: 1/2" in page.text  # the county map: Malmö in production, Lund not yet
        table = read_table(download.content, "top.csv")
        assert table.rows[0][1] == ["Malmö meddelandetjänst", "15"]


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    assert client.get(DASHBOARD)["Location"].startswith(reverse("admin:login"))


def test_the_api_gives_datasets_to_clients_with_the_analyst_scope_only(client, known):
    analyst_client, analyst_token = api_client_create(name="Analysverktyg")
    analyst_client.statistics_access = True
    analyst_client.save()
    _plain, plain_token = api_client_create(name="Vanlig klient")

    answer = client.get("/api/statistics/top_clients", HTTP_AUTHORIZATION=f"Bearer {analyst_token}")
    refused = client.get("/api/statistics/top_clients", HTTP_AUTHORIZATION=f"Bearer {plain_token}")
    anonymous = client.get("/api/statistics/top_clients")

    assert answer.status_code == 200
    assert answer.json()["data"][0]["attributes"] == {"apiClient": "Malmö meddelandetjänst", "requests": 15}
    assert (refused.status_code, anonymous.status_code) == (403, 401)


def test_sdk_connection_is_kept_on_a_participants_page_by_the_federation(
    as_user, federation_admin, malmo_admin, malmo
):
    url = reverse("admin:addressbook_organization_change", args=[malmo.pk])

    assert "connection-group" in as_user(federation_admin).get(url).text
    assert "connection-group" not in as_user(malmo_admin).get(url).text


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_report_asked_for_in_the_admin_is_built_by_the_worker_and_downloaded(
    worker,  # noqa: F811 - the fixture imported above
    client,
    malmo,
):
    from tests.conftest import login_verified

    analyst = persona("analyst", "analytiker")
    login_verified(client, analyst)

    client.post(
        reverse("admin:addressbook_statisticsreport_add"),
        {"first_day": YESTERDAY.isoformat(), "last_day": TODAY.isoformat()},
    )
    report = StatisticsReport.objects.get()
    wait_for_status(report, ReportStatus.DONE)

    assert report.requested_by == analyst
    workbook = client.get(reverse("admin:statistics_report_file", args=[report.pk]))
    sheets = openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames
    assert len(sheets) > 10


# The report form had no validation either: a reversed or 10,000-year period was queued for
# the worker (which would build a 3.6 million row lookups-per-day sheet).
@pytest.mark.parametrize(
    ("first", "last"), [("2026-05-01", "2026-01-01"), ("0001-01-01", "9999-12-31")], ids=["reversed", "huge"]
)
def test_a_report_for_a_reversed_or_unbounded_period_is_refused(as_user, analyst, first, last):
    response = as_user(analyst).post(
        reverse("admin:addressbook_statisticsreport_add"), {"first_day": first, "last_day": last}
    )

    assert response.status_code == 200  # the form again, with an error
    assert not StatisticsReport.objects.exists()


# Any anonymous caller can store a control character as a zero-hit search (only NUL is
# refused, and str.split() keeps \x01); openpyxl refuses it: the Excel download of the
# dataset was a 500 and every statistics report for that period failed.
def test_a_control_character_in_a_search_does_not_break_excel_downloads_and_reports(
    client, as_user, analyst, malmo_address
):
    client.get("/api/addresses", {"filter[search]": "ab\x01cd"})
    usage_rollup()
    assert UsageCount.objects.filter(metric=UsageMetric.ZERO_HIT_SEARCH).exists()
    report = StatisticsReport.objects.create(first_day=TODAY, last_day=TODAY, requested_by=analyst)

    browser = as_user(analyst)
    browser.raise_request_exception = False
    download = browser.get(reverse("admin:statistics_download", args=["zero_hit_searches", "xlsx"]))
    try:
        statistics_report_build(report=report)
    except Exception:
        report.status = ReportStatus.FAILED

    assert download.status_code == 200
    assert report.status == ReportStatus.DONE
