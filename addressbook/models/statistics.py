"""Statistics for analysts: nightly snapshots, on-demand reports, SDK connection progress."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from addressbook.choices import ConnectionStage, ReportStatus
from addressbook.models.base import TimeStampedModel, public_id_field, track_changes
from addressbook.models.jobs import WorkerJob

# The longest period a dataset is computed for (reports, the API): ten years of days.
MAX_DAYS = 3660


def check_period(first: datetime.date, last: datetime.date) -> None:
    """Refuses a reversed period, or one longer than MAX_DAYS (a day per row in some datasets)."""
    if last < first:
        raise ValueError(gettext("The period ends before it starts."))
    if (last - first).days >= MAX_DAYS:
        raise ValueError(gettext("A period can be at most %(days)d days long.") % {"days": MAX_DAYS})


class StatisticSnapshot(models.Model):
    """One dataset of directory statistics as it stood on one day (written nightly, upserted)."""

    day = models.DateField(_("day"))
    dataset = models.CharField(_("dataset"), max_length=64)
    rows = models.JSONField(_("rows"), default=list)
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("statistics snapshot")
        verbose_name_plural = _("statistics snapshots")
        ordering = ("-day", "dataset")  # Default ordering: the unique index below
        constraints = [
            # Computing a day again replaces its snapshot: the nightly task is idempotent.
            models.UniqueConstraint(
                fields=("day", "dataset"), name="%(app_label)s_%(class)s_unique_day_dataset"
            ),
        ]
        permissions = [("view_statistics", _("Can see the statistics dashboard and download its datasets"))]

    def __str__(self) -> str:
        return f"{self.dataset} {self.day}"


class StatisticsReport(WorkerJob):
    """A statistics workbook an analyst asked for, computed by the worker and kept."""

    id = public_id_field()
    first_day = models.DateField(_("from"))
    last_day = models.DateField(_("to"))
    status = models.CharField(
        _("status"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    message = models.TextField(_("message"), blank=True)
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("statistics report")
        verbose_name_plural = _("statistics reports")
        ordering = ("-created_at",)  # Default ordering: the created_at index

    def __str__(self) -> str:
        return f"{self.first_day} – {self.last_day}"

    def clean(self) -> None:
        super().clean()
        if self.first_day and self.last_day:
            try:
                check_period(self.first_day, self.last_day)
            except ValueError as error:
                raise ValidationError({"last_day": str(error)}) from None


@track_changes()
class Connection(TimeStampedModel):
    """How far a participant organisation has come in joining SDK, with the date of each step."""

    organization = models.OneToOneField(
        to="addressbook.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="connection",
    )
    planned_on = models.DateField(_("planned"), null=True, blank=True)
    test_on = models.DateField(_("test environment"), null=True, blank=True)
    qa_on = models.DateField(_("QA"), null=True, blank=True)
    production_on = models.DateField(_("production"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=256, blank=True)

    class Meta:
        verbose_name = _("SDK connection")
        verbose_name_plural = _("SDK connections")
        ordering = ("organization_id",)  # Default ordering: the unique organization index

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.stage_label}"

    # Each step in order, with the date field that records it.
    STEPS = (
        (ConnectionStage.PLANNED, "planned_on"),
        (ConnectionStage.TEST, "test_on"),
        (ConnectionStage.QA, "qa_on"),
        (ConnectionStage.PRODUCTION, "production_on"),
    )

    @property
    def stage(self) -> str | None:
        """The furthest step with a date."""
        reached = [stage for stage, field in self.STEPS if getattr(self, field)]
        return reached[-1] if reached else None

    @property
    def stage_label(self) -> str:
        return str(ConnectionStage(self.stage).label) if self.stage else "—"
