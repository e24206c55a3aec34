"""Statistics in the admin: the analysts' dashboard, dataset downloads, reports, SDK connections."""

from __future__ import annotations

import datetime

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext

from addressbook.charts import bar_chart, county_map
from addressbook.choices import County, ReportStatus
from addressbook.models import StatisticsReport
from addressbook.selectors.datasets import DATASETS
from addressbook.selectors.directory_statistics import production_by_county
from addressbook.selectors.usage_statistics import lookups_per_day
from addressbook.services.statistics import dataset_display_table, statistics_report_restart
from addressbook.spreadsheets import CONTENT_TYPES
from addressbook.spreadsheets.write import file_stem, sheet_response, write_sheet
from addressbook.tasks import build_statistics_report_task

# The periods the dashboard offers, in days.
PERIODS = (7, 30, 90, 365)
# Rows of each table on the dashboard; downloads hold all.
SHOWN_ROWS = 10
# The dashboard's tables, in order.
DASHBOARD_TABLES = (
    "top_clients",
    "top_addresses",
    "zero_hit_searches",
    "recipient_checks",
    "coverage_by_county",
    "connections_by_county",
    "connected_over_time",
    "unconfirmed_addresses",
)


def _check(request: HttpRequest) -> None:
    # Per-client figures are in here: analysts and federation administrators only.
    if not request.user.has_perm("addressbook.view_statistics"):
        raise PermissionDenied


def _period(request: HttpRequest) -> tuple[int, datetime.date, datetime.date]:
    try:
        days = int(request.GET.get("days", 30))
    except ValueError:
        days = 30
    days = days if days in PERIODS else 30
    last = timezone.localdate()
    return days, last - datetime.timedelta(days=days - 1), last


def dashboard(request: HttpRequest, admin_site) -> TemplateResponse:
    """Lookups over time, top addresses and clients, zero-hit searches, coverage and connections."""
    _check(request)
    days, first, last = _period(request)
    per_day = lookups_per_day(first, last)
    tables = []
    for key in DASHBOARD_TABLES:
        headers, rows = dataset_display_table(key, first, last)
        tables.append(
            {
                "key": key,
                "title": DATASETS[key].title,
                "headers": headers,
                "rows": rows[:SHOWN_ROWS],
                "more": len(rows) > SHOWN_ROWS,
            }
        )
    context = {
        **admin_site.each_context(request),
        "title": _("Statistics"),
        "days": days,
        "periods": PERIODS,
        "first": first,
        "last": last,
        "total": sum(row[1] for row in per_day),
        "chart": bar_chart(
            [row[0][5:] for row in per_day],
            [row[1] for row in per_day],
            title=str(_("Lookups per day")),
            every=max(1, days // 8),
        ),
        "county_map": county_map(
            production_by_county(),
            dict(County.choices),
            title=str(_("Municipalities and regions in production, by county")),
        ),
        "tables": tables,
        "datasets": [(key, dataset.title) for key, dataset in DATASETS.items()],
        "can_report": request.user.has_perm("addressbook.add_statisticsreport"),
    }
    return TemplateResponse(request, "admin/addressbook/statistics/dashboard.html", context)


def download(request: HttpRequest, admin_site, dataset: str, file_format: str) -> HttpResponse:
    """One dataset for the dashboard's period, as CSV or Excel."""
    _check(request)
    if dataset not in DATASETS or file_format not in CONTENT_TYPES:
        raise Http404
    _days, first, last = _period(request)
    headers, rows = dataset_display_table(dataset, first, last)
    title = DATASETS[dataset].title
    return sheet_response(
        write_sheet(headers, rows, file_format=file_format, title=title),
        file_stem(title, first.isoformat(), last.isoformat()),
        file_format,
    )


@admin.register(StatisticsReport)
class StatisticsReportAdmin(admin.ModelAdmin):
    """Workbooks of every dataset for a period, computed by the worker and kept with who asked."""

    list_display = ("__str__", "status", "progress", "message", "requested_by", "created_at", "download")
    list_filter = ("status",)
    actions = ("compute_again",)
    fields = ("first_day", "last_day")
    readonly_fields = (
        "status",
        "progress",
        "message",
        "requested_by",
        "created_at",
        "finished_at",
        "download",
    )

    def get_fields(self, request: HttpRequest, obj=None):
        return self.fields if obj is None else (*self.fields, *self.readonly_fields)

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return () if obj is None else (*self.fields, *self.readonly_fields)

    def get_queryset(self, request: HttpRequest):
        return super().get_queryset(request).select_related("requested_by")

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        today = timezone.localdate()
        return {"first_day": today.replace(day=1), "last_day": today}

    def save_model(self, request: HttpRequest, obj: StatisticsReport, form, change: bool) -> None:
        obj.requested_by = request.user
        obj.save()
        build_statistics_report_task.delay_on_commit(str(obj.pk))
        self.message_user(
            request, _("The report is being computed; it appears here when it is ready."), messages.INFO
        )

    @admin.action(description=_("Compute the failed reports again"), permissions=("add",))
    def compute_again(self, request: HttpRequest, queryset) -> None:
        """Queues the selected reports that failed (their worker died, say) to be computed afresh."""
        restarted = [report for report in queryset if statistics_report_restart(report=report)]
        for report in restarted:
            build_statistics_report_task.delay_on_commit(str(report.pk))
        if restarted:
            self.message_user(
                request,
                ngettext(
                    "%(count)d report is computed again.",
                    "%(count)d reports are computed again.",
                    len(restarted),
                )
                % {"count": len(restarted)},
                messages.SUCCESS,
            )
        else:
            self.message_user(request, _("Only failed reports can be computed again."), messages.WARNING)

    @admin.display(description=_("file"))
    def download(self, report: StatisticsReport) -> str:
        if report.status != ReportStatus.DONE or not report.file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse("admin:statistics_report_file", args=[report.pk]), _("Download")
        )


def report_file(request: HttpRequest, admin_site, report_id) -> HttpResponse:
    """A finished report's workbook (files are not served publicly: statistics are not public)."""
    _check(request)
    report = StatisticsReport.objects.filter(pk=report_id, status=ReportStatus.DONE).first()
    if report is None or not report.file:
        raise Http404
    with report.file.open("rb") as stored:
        name = file_stem(
            pgettext("file name", "statistics"), report.first_day.isoformat(), report.last_day.isoformat()
        )
        return sheet_response(stored.read(), name, "xlsx")
