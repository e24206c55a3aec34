"""The part of a background job's row that says which worker holds it and whether it is alive."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from addressbook.models.base import TimeStampedModel


class WorkerJob(TimeStampedModel):
    """A job a Celery worker runs (an import, a report): who holds it now, and its last sign of life.

    A worker that is killed says nothing; its job would show "running" for ever. So a running
    job holds a lease: its worker writes ``heartbeat_at`` every few seconds, and a job whose
    heartbeat is older than ``JOB_LEASE_SECONDS`` is known to be abandoned (see
    ``addressbook.services.job_leases``). ``run_token`` names the run holding the job: a run
    that lost the job to another (its lease ran out while it was stalled) finds its token
    gone and rolls its work back instead of writing it.
    """

    run_token = models.UUIDField(null=True, blank=True, editable=False)
    heartbeat_at = models.DateTimeField(_("worker last seen"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True
