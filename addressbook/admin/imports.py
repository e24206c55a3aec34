"""Spreadsheet import and export in the admin: upload, preview row by row, confirm, download."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from addressbook.choices import ImportAction, ImportResource, ImportStatus
from addressbook.models import ImportJob, Organization
from addressbook.roles import may_import
from addressbook.services.import_recovery import import_job_restart
from addressbook.services.imports import (
    ImportRefusedError,
    error_file,
    export_file,
    import_job_apply,
    import_job_confirm,
    import_job_create,
    import_job_preview,
    import_progress,
    template_file,
)
from addressbook.spreadsheets import CONTENT_TYPES, format_of
from addressbook.spreadsheets.write import file_stem, sheet_response
from addressbook.tasks import apply_import_task, preview_import_task

# Preview rows shown per page.
ROWS_PER_PAGE = 200


class ImportUploadForm(forms.Form):
    """What an administrator fills in to upload a spreadsheet."""

    resource = forms.ChoiceField(label=_("The file holds"), choices=ImportResource.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV (comma or semicolon, UTF-8 or Windows-1252) or Excel (.xlsx), headers in Swedish or English."
        ),
    )
    organization = forms.ModelChoiceField(
        label=_("Organisation"),
        queryset=Organization.objects.none(),
        required=False,
        help_text=_("Needed for sync: the organisation whose addresses the file lists."),
    )
    sync = forms.BooleanField(
        label=_("Sync: deactivate the organisation's active addresses that the file does not list"),
        required=False,
        help_text=_("Nothing is deleted, and the preview lists every address that would be deactivated."),
    )

    def __init__(self, *args, user, admin_site, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        declared = self.fields["organization"]
        self.fields["organization"] = forms.ModelChoiceField(
            queryset=Organization.objects.administered_by(user),
            required=False,
            label=declared.label,
            help_text=declared.help_text,
            # The admin's search-as-you-type choice: a federation administrator has 100,000 to pick from.
            widget=AutocompleteSelect(ImportJob._meta.get_field("organization"), admin_site),
        )
        self.fields["resource"].choices = [
            choice for choice in ImportResource.choices if may_import(user, choice[0])
        ]

    def clean_file(self):
        uploaded = self.cleaned_data["file"]
        if uploaded.size > settings.IMPORT_MAX_BYTES:
            raise ValidationError(
                _("The file is larger than %(limit)d MB. Split it into smaller files.")
                % {"limit": settings.IMPORT_MAX_BYTES // 1_000_000}
            )
        return uploaded


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Imports: each one previewed before it is applied, kept afterwards with its outcome."""

    list_display = (
        "created_at",
        "file_name",
        "resource",
        "organization",
        "status",
        "summary_text",
        "created_by",
    )
    list_filter = ("status", "resource")
    list_select_related = ("organization", "created_by")
    search_fields = ("file_name",)
    autocomplete_fields = ("organization",)
    change_list_template = "admin/addressbook/importjob/change_list.html"

    def get_queryset(self, request: HttpRequest):
        # Administrators see their own uploads; the federation sees everyone's.
        return super().get_queryset(request).administered_by(request.user)

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.display(description=_("outcome"))
    def summary_text(self, job: ImportJob) -> str:
        labels = dict(ImportAction.choices)
        return (
            ", ".join(f"{labels.get(action, action)}: {count}" for action, count in job.summary.items())
            or "—"
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("<uuid:job_id>/confirm/", view(self.confirm_view), name="addressbook_importjob_confirm"),
            path("<uuid:job_id>/errors/", view(self.errors_view), name="addressbook_importjob_errors"),
            path("<uuid:job_id>/restart/", view(self.restart_view), name="addressbook_importjob_restart"),
            path(
                "export/<str:resource>/<str:file_format>/",
                view(self.export_view),
                name="addressbook_importjob_export",
            ),
            path(
                "template/<str:resource>/<str:file_format>/",
                view(self.template_view),
                name="addressbook_importjob_template",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request: HttpRequest, extra_context=None):
        resources = [
            (value, label) for value, label in ImportResource.choices if may_import(request.user, value)
        ]
        return super().changelist_view(request, {"resources": resources, **(extra_context or {})})

    # -- upload and preview --------------------------------------------------------------
    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(
            request.POST or None, request.FILES or None, user=request.user, admin_site=self.admin_site
        )
        if request.method == "POST" and form.is_valid():
            uploaded = form.cleaned_data["file"]
            try:
                job = import_job_create(
                    user=request.user,
                    resource=form.cleaned_data["resource"],
                    file_name=uploaded.name,
                    content=uploaded.read(),
                    organization=form.cleaned_data["organization"],
                    sync=form.cleaned_data["sync"],
                )
            except ValidationError as error:
                for field_name, errors in error.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                self._preview(job, uploaded.size)
                return HttpResponseRedirect(reverse("admin:addressbook_importjob_change", args=[job.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Import a spreadsheet"),
            "opts": self.opts,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/addressbook/importjob/upload.html", context)

    def _preview(self, job: ImportJob, size: int) -> None:
        if size <= settings.IMPORT_INLINE_BYTES:
            import_job_preview(job=job)
        else:
            # Big files are read by the worker; the page shows its progress meanwhile.
            preview_import_task.delay_on_commit(str(job.pk))

    def change_view(self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None):
        job = self.get_object(request, object_id)
        if job is None or not self.has_view_permission(request, job):
            raise Http404
        rows = job.rows.all()
        shown_action = request.GET.get("action", "")
        if shown_action in ImportAction.values:
            rows = rows.filter(action=shown_action)
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        running = job.status in (ImportStatus.QUEUED, ImportStatus.PREVIEWING, ImportStatus.APPLYING)
        context = {
            **self.admin_site.each_context(request),
            "title": str(job),
            "opts": self.opts,
            "job": job,
            "page": page,
            "summary_rows": [
                (value, label, job.summary[value])
                for value, label in ImportAction.choices
                if value in job.summary
            ],
            "shown_action": shown_action,
            "running": running,
            "done": import_progress(job) if running else job.total_rows,
            "can_confirm": job.status == ImportStatus.PREVIEWED and not job.summary.get(ImportAction.ERROR),
            "has_errors": bool(job.summary.get(ImportAction.ERROR)),
            "can_restart": job.status == ImportStatus.FAILED and self.has_add_permission(request),
        }
        return TemplateResponse(request, "admin/addressbook/importjob/preview.html", context)

    def _job(self, request: HttpRequest, job_id) -> ImportJob:
        job = get_object_or_404(self.get_queryset(request), pk=job_id)
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return job

    def confirm_view(self, request: HttpRequest, job_id) -> HttpResponse:
        job = self._job(request, job_id)
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        if job.file.size > settings.IMPORT_INLINE_BYTES:
            confirmation = import_job_confirm(job=job)
            if confirmation is None:
                refused = _("Only a finished preview that is not imported yet can be imported.")
                self.message_user(request, refused, messages.ERROR)
            else:
                apply_import_task.delay_on_commit(str(job.pk), request.user.pk, str(confirmation))
                self.message_user(
                    request, _("The import runs in the background; this page shows how far it has come.")
                )
        else:
            try:
                import_job_apply(job=job, user=request.user)
            except ImportRefusedError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, _("Imported."), messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:addressbook_importjob_change", args=[job.pk]))

    def restart_view(self, request: HttpRequest, job_id) -> HttpResponse:
        """Reads a failed job's stored file again (after its worker died, say), for a new preview."""
        job = self._job(request, job_id)
        if request.method != "POST" or not self.has_add_permission(request):
            raise PermissionDenied
        if import_job_restart(job=job):
            self._preview(job, job.file.size)
            self.message_user(request, _("The file is read again."), messages.SUCCESS)
        else:
            self.message_user(request, _("Only an import that failed can be read again."), messages.ERROR)
        return HttpResponseRedirect(reverse("admin:addressbook_importjob_change", args=[job.pk]))

    def errors_view(self, request: HttpRequest, job_id) -> HttpResponse:
        job = self._job(request, job_id)
        if job.status == ImportStatus.FAILED:
            raise Http404  # an unreadable file has no rows to return
        stem = job.file_name.rsplit(".", 1)[0]
        # The uploaded name kept as it is (the administrator recognises it), a word added.
        return sheet_response(
            error_file(job=job),
            f"{stem}-{file_stem(pgettext('file name', 'errors'))}",
            format_of(job.file_name),
        )

    # -- files out -----------------------------------------------------------------------
    def _check_format(self, resource: str, file_format: str) -> None:
        if resource not in ImportResource.values or file_format not in CONTENT_TYPES:
            raise Http404

    def export_view(self, request: HttpRequest, resource: str, file_format: str) -> HttpResponse:
        self._check_format(resource, file_format)
        if not self.has_view_permission(request):
            raise PermissionDenied
        content = export_file(resource=resource, user=request.user, file_format=file_format)
        name = file_stem(ImportResource(resource).label, f"{timezone.localdate():%Y-%m-%d}")
        return sheet_response(content, name, file_format)

    def template_view(self, request: HttpRequest, resource: str, file_format: str) -> HttpResponse:
        self._check_format(resource, file_format)
        if not self.has_view_permission(request):
            raise PermissionDenied
        # Named in the admin's language, as its sheet and headers are: funktionsadresser-mall.csv.
        name = file_stem(ImportResource(resource).label, pgettext("file name", "template"))
        return sheet_response(template_file(resource=resource, file_format=file_format), name, file_format)
