"""The global audit log: every change of every record, filterable and exportable."""

from __future__ import annotations

import csv
import tempfile
import uuid
from collections.abc import Iterator

from django.apps import apps
from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet, TextField
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from pghistory.models import Event

from addressbook.choices import HistoryChannel
from addressbook.models import AuditEvent, FunctionAddress, Organization
from addressbook.selectors.history import HistoryEntry, describe_events
from addressbook.spreadsheets.write import spreadsheet_safe, xlsx_row

# Events described per batch when exporting: one query for the names of related records each.
EXPORT_BATCH_SIZE = 1000
# Excel's sheet holds 1,048,576 rows; a bigger export would open cut off without a word.
EXPORT_MAX_ROWS = 1_048_575


def _tracked_event_models() -> list[type[Event]]:
    return [
        model
        for model in apps.get_app_config("addressbook").get_models()
        if issubclass(model, Event) and not model._meta.proxy
    ]


def _as_text(queryset: QuerySet) -> QuerySet:
    # Event rows keep ids as text (JSON and pgh_obj_id): compare them as text.
    return queryset.annotate(id_text=Cast("id", TextField())).values("id_text")


class ChannelFilter(admin.SimpleListFilter):
    title = _("channel")
    parameter_name = "channel"

    def lookups(self, request, model_admin):
        return HistoryChannel.choices

    def queryset(self, request, queryset):
        if self.value() not in HistoryChannel.values:
            return queryset
        if self.value() == HistoryChannel.SYSTEM:
            # Changes made outside the application (psql, migrations) carry no channel.
            return queryset.filter(Q(channel=HistoryChannel.SYSTEM) | Q(channel__isnull=True))
        return queryset.filter(channel=self.value())


class UserFilter(admin.SimpleListFilter):
    title = _("user")
    parameter_name = "user"

    def lookups(self, request, model_admin):
        users = get_user_model().objects.filter(Q(is_staff=True) | Q(is_superuser=True)).order_by("username")
        return [(str(user.pk), user.get_username()) for user in users]

    def queryset(self, request, queryset):
        if not (self.value() or "").isdigit():
            return queryset
        return queryset.filter(user_id=int(self.value()))


class RecordTypeFilter(admin.SimpleListFilter):
    title = _("record type")
    parameter_name = "record"

    def lookups(self, request, model_admin):
        return [
            (model.pgh_tracked_model._meta.label, model.pgh_tracked_model._meta.verbose_name.capitalize())
            for model in _tracked_event_models()
        ]

    def queryset(self, request, queryset):
        if self.value() in dict(self.lookup_choices):
            return queryset.filter(pgh_obj_model=self.value())
        return queryset


class OrganizationFilter(admin.SimpleListFilter):
    """Changes to an organisation, its sub-organisations, their addresses and everything they own."""

    title = _("organisation, with everything under it")
    parameter_name = "organization"

    def _organization(self, request) -> Organization | None:
        try:
            return Organization.objects.filter(pk=uuid.UUID(request.GET.get(self.parameter_name, ""))).first()
        except ValueError:
            return None

    def lookups(self, request, model_admin):
        # Chosen from an organisation's own page ("Audit log"): 100,000 do not fit in a sidebar.
        organization = self._organization(request)
        return [(str(organization.pk), str(organization))] if organization else []

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        tree = Organization.objects.filter(pk=self.value()).with_descendants()
        organizations = _as_text(tree)
        addresses = _as_text(FunctionAddress.objects.filter(organization__in=tree))
        return queryset.annotate(
            owner_organization=KeyTextTransform("organization_id", "pgh_data"),
            owner=KeyTextTransform("owner_id", "pgh_data"),
            owner_address=KeyTextTransform("function_address_id", "pgh_data"),
        ).filter(
            Q(pgh_obj_model=Organization._meta.label, pgh_obj_id__in=organizations)
            | Q(owner_organization__in=organizations)
            | Q(owner__in=organizations)
            | Q(owner_address__in=addresses)
        )


class AuditChangeList(ChangeList):
    """Describes the page's events (names, labels, before → after) in one go."""

    def get_results(self, request) -> None:
        super().get_results(request)
        for event, entry in zip(self.result_list, describe_events(self.result_list), strict=True):
            event.entry = entry


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: history is written by database triggers and never edited or deleted."""

    list_display = ("when", "who", "channel_label", "record_type", "record_name", "action", "changes")
    list_display_links = None
    list_filter = (
        ChannelFilter,
        UserFilter,
        RecordTypeFilter,
        OrganizationFilter,
        ("pgh_created_at", admin.DateFieldListFilter),
    )
    search_fields = ("pgh_data__name", "pgh_data__identifier", "username")
    ordering = ("-pgh_created_at", "-pgh_id")
    show_full_result_count = False
    list_per_page = 50
    change_list_template = "admin/addressbook/auditevent/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[AuditEvent]:
        return AuditEvent.objects.across(*_tracked_event_models())

    def get_changelist(self, request: HttpRequest, **kwargs):
        return AuditChangeList

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def get_actions(self, request: HttpRequest):
        return {}

    @admin.display(description=_("date/time"), ordering="pgh_created_at")
    def when(self, event: AuditEvent):
        return event.pgh_created_at

    @admin.display(description=_("user"))
    def who(self, event: AuditEvent) -> str:
        return event.entry.username or "—"

    @admin.display(description=_("channel"))
    def channel_label(self, event: AuditEvent) -> str:
        return event.entry.channel

    @admin.display(description=_("record type"))
    def record_type(self, event: AuditEvent) -> str:
        return event.entry.record.capitalize()

    @admin.display(description=_("record"))
    def record_name(self, event: AuditEvent) -> str:
        return event.entry.name

    @admin.display(description=_("action"))
    def action(self, event: AuditEvent) -> str:
        return event.entry.action.capitalize()

    @admin.display(description=_("changes (before → after)"))
    def changes(self, event: AuditEvent) -> str:
        return format_html(
            '<ul class="audit-changes">{}</ul>',
            format_html_join(
                "",
                "<li><strong>{}</strong>: {}</li>",
                (
                    (label.capitalize(), _change_text(before, after))
                    for label, before, after in event.entry.changes
                ),
            ),
        )

    def get_urls(self):
        return [
            path(
                "export/csv/",
                self.admin_site.admin_view(self.export_csv),
                name="addressbook_auditevent_export_csv",
            ),
            path(
                "export/xlsx/",
                self.admin_site.admin_view(self.export_xlsx),
                name="addressbook_auditevent_export_xlsx",
            ),
            *super().get_urls(),
        ]

    def _export_entries(self, request: HttpRequest) -> Iterator[HistoryEntry]:
        """The changelist's filtered events, all of them, in its order."""
        changelist = self.get_changelist_instance(request)
        queryset = changelist.get_queryset(request)[:EXPORT_MAX_ROWS]
        batch = []
        for event in queryset.iterator(chunk_size=EXPORT_BATCH_SIZE):
            batch.append(event)
            if len(batch) == EXPORT_BATCH_SIZE:
                yield from describe_events(batch)
                batch = []
        yield from describe_events(batch)

    def _check_export_permission(self, request: HttpRequest) -> None:
        # admin_view checked the site; the log itself is for those who may view it.
        if not self.has_view_permission(request):
            raise PermissionDenied

    def export_csv(self, request: HttpRequest) -> StreamingHttpResponse:
        self._check_export_permission(request)
        rows = _export_rows(self._export_entries(request))
        writer = csv.writer(_Echo(), delimiter=";")
        response = StreamingHttpResponse(
            ("\ufeff" if index == 0 else "") + writer.writerow(row) for index, row in enumerate(rows)
        )
        response["Content-Type"] = "text/csv; charset=utf-8"
        response["Content-Disposition"] = f'attachment; filename="{_export_name()}.csv"'
        return response

    def export_xlsx(self, request: HttpRequest) -> FileResponse:
        self._check_export_permission(request)
        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet(str(_("Audit log")))
        for row in _export_rows(self._export_entries(request)):
            sheet.append(xlsx_row(row))
        # On disk, not in memory: a year of history is large.
        output = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
        workbook.save(output)
        output.seek(0)
        return FileResponse(output, as_attachment=True, filename=f"{_export_name()}.xlsx")


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _change_text(before, after) -> str:
    after_text = "—" if after is None else str(after)
    return after_text if before is None else f"{before} → {after_text}"


def _export_name() -> str:
    return f"audit-log-{timezone.localtime():%Y-%m-%d-%H%M}"


def _export_rows(entries) -> Iterator[list]:
    yield [
        str(_("Date/time")),
        str(_("User")),
        str(_("Channel")),
        str(_("Record type")),
        str(_("Record")),
        str(_("Action")),
        str(_("Changes (before → after)")),
    ]
    for entry in entries:
        changes = "; ".join(
            f"{label}: {_change_text(before, after)}" for label, before, after in entry.changes
        )
        row = [
            timezone.localtime(entry.when).isoformat(timespec="seconds"),
            entry.username,
            entry.channel,
            entry.record,
            entry.name,
            entry.action,
            changes,
        ]
        yield [spreadsheet_safe(value) for value in row]
