"""How the lookup API is used: daily counts, rolled up from fast counters by a Celery task."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from addressbook.choices import UsageMetric


class UsageCount(models.Model):
    """How often one thing happened in the API on one day, for one client (or anonymously).

    ``dimension`` says which thing: the endpoint of a request, the id of a resolved address,
    the normalised text of a search that found nothing, the outcome of a recipient check.
    """

    day = models.DateField(_("day"))
    metric = models.CharField(_("metric"), max_length=32, choices=UsageMetric.choices)
    client = models.ForeignKey(
        to="addressbook.ApiClient",
        verbose_name=_("API client"),
        on_delete=models.PROTECT,  # clients are revoked, never deleted
        null=True,
        blank=True,
        related_name="usage_counts",
    )
    dimension = models.CharField(_("what"), max_length=300)
    count = models.PositiveBigIntegerField(_("count"), default=0)

    class Meta:
        verbose_name = _("usage count")
        verbose_name_plural = _("usage counts")
        ordering = ("-day", "metric", "dimension")  # Default ordering: the unique index serves day
        constraints = [
            # The roll-up adds to the row of (day, metric, client, dimension); anonymous is one client.
            models.UniqueConstraint(
                fields=("day", "metric", "client", "dimension"),
                name="%(app_label)s_%(class)s_unique_day_metric_client_dimension",
                nulls_distinct=False,
            ),
        ]
        indexes = [
            # Statistics read one metric over a range of days.
            models.Index(fields=("metric", "day"), name="addressbook_usage_metric_day"),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.metric} {self.dimension}: {self.count}"


class UsageRollup(models.Model):
    """A batch of counters already added to the daily counts: so none is ever added twice."""

    batch = models.CharField(_("batch"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("rolled up"), auto_now_add=True)

    class Meta:
        verbose_name = _("usage roll-up")
        verbose_name_plural = _("usage roll-ups")
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return self.batch
