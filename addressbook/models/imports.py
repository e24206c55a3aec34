"""Spreadsheet imports: the uploaded file, its preview row by row, and what was applied."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from addressbook.choices import ImportAction, ImportResource, ImportStatus
from addressbook.models.base import public_id_field
from addressbook.models.jobs import WorkerJob
from addressbook.models.roles import is_federation_administrator


class ImportJobQuerySet(models.QuerySet):
    """Imports are seen by who uploaded them; the federation sees everyone's."""

    def administered_by(self, user):
        return self if user is None or is_federation_administrator(user) else self.filter(created_by=user)


class ImportJob(WorkerJob):
    """One uploaded file on its way in: read, previewed, then applied as previewed (or refused).

    The preview and the result stay here afterwards, with who asked and who confirmed.
    """

    id = public_id_field()
    resource = models.CharField(_("contents"), max_length=16, choices=ImportResource.choices)
    file = models.FileField(_("file"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("file name"), max_length=256)
    organization = models.ForeignKey(
        to="addressbook.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("With sync: the organisation whose addresses missing from the file are deactivated."),
    )
    sync = models.BooleanField(
        _("sync"),
        default=False,
        help_text=_(
            "Deactivate the organisation's active function addresses that the file does not list "
            "(never deletes; listed in the preview first)."
        ),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    # The uploader's admin language: preview and import describe the rows in it, so the
    # import compares like with like whoever confirms it.
    language = models.CharField(_("language"), max_length=8, default="sv", editable=False)
    message = models.TextField(_("message"), blank=True)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    preview_digest = models.CharField(max_length=64, blank=True, editable=False)
    # The confirmation the queued import's message carries: a message the broker delivers
    # again after its worker died (an hour later) may import only while it is still current,
    # not after the job went back to its preview to be confirmed again (or not).
    confirmation = models.UUIDField(null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    applied_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    applied_at = models.DateTimeField(_("imported"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ("-created_at",)  # Default ordering: the created_at index

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_resource_display()})"


class ImportRow(models.Model):
    """What one row of an import does (or would do): the preview, kept with the job."""

    job = models.ForeignKey(
        to="addressbook.ImportJob", verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    number = models.PositiveIntegerField(
        _("row"), help_text=_("The row in the sheet; 0 for sync deactivations.")
    )
    action = models.CharField(_("action"), max_length=16, choices=ImportAction.choices)
    key = models.CharField(_("key"), max_length=512)
    changes = models.JSONField(_("changes"), default=list, blank=True)
    errors = models.JSONField(_("errors"), default=list, blank=True)

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ("job", "number", "id")  # Default ordering: the index below
        indexes = [models.Index(fields=["job", "number", "id"], name="addressbook_importrow_idx")]

    def __str__(self) -> str:
        return f"{self.number}: {self.get_action_display()} {self.key}"
