"""Imports whose worker is gone: marked so an administrator knows, and started again.

A run holds its job by a lease (``services/job_leases.py``). When the worker dies, the job is
marked here, by its worker's main process at once (a pool process killed) or by beat's sweep
two leases later (the whole worker killed), and an administrator starts it again from the
admin. Nothing is lost either way: a preview keeps nothing and an import writes all or none.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from addressbook.choices import ImportStatus
from addressbook.models import ImportJob
from addressbook.services.job_leases import job_lease_break, job_leases_abandoned

# Where a job goes when the run holding it is gone: a preview is read again from the start
# (nothing was kept), an import goes back to its preview (nothing was written) to be confirmed again.
ABANDONED_TO = {
    ImportStatus.QUEUED: ImportStatus.FAILED,
    ImportStatus.PREVIEWING: ImportStatus.FAILED,
    ImportStatus.APPLYING: ImportStatus.PREVIEWED,
}


def import_job_abandon(*, job: ImportJob, token: uuid.UUID | None = None) -> bool:
    """Marks a job whose run is gone (see ABANDONED_TO), saying so; False if it moved on meanwhile."""
    if job.status not in ABANDONED_TO:
        return False
    minutes = settings.CELERY_TASK_TIME_LIMIT // 60
    with translation.override(job.language or settings.LANGUAGE_CODE):
        if job.status == ImportStatus.APPLYING:
            message = _(
                "The process importing the file stopped before it was done (restarted, out of memory, "
                "or past its time limit of %(minutes)d minutes). Nothing was imported: the preview "
                "still holds, confirm it again."
            ) % {"minutes": minutes}
        else:
            message = _(
                "The process reading the file stopped before it was done (restarted, out of memory, "
                "or past its time limit of %(minutes)d minutes). Nothing was imported: read the file "
                "again."
            ) % {"minutes": minutes}
    # An import back at its preview waits for a new confirmation: the lost run's message, if
    # the broker delivers it again, no longer imports it (import_job_apply).
    return job_lease_break(
        job,
        running=job.status,
        token=token,
        status=ABANDONED_TO[job.status],
        message=message,
        **({"confirmation": None} if job.status == ImportStatus.APPLYING else {}),
    )


def import_jobs_recover() -> int:
    """Marks every import whose worker has gone silent (see ABANDONED_TO); how many."""
    marked = 0
    for status in (ImportStatus.PREVIEWING, ImportStatus.APPLYING):
        for job in job_leases_abandoned(ImportJob, running=status):
            marked += import_job_abandon(job=job, token=job.run_token)
    return marked


def import_job_restart(*, job: ImportJob) -> bool:
    """Queues a failed job to be read again from its stored file; False unless it had failed."""
    restarted = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).update(
        status=ImportStatus.QUEUED, message="", total_rows=0, summary={}, updated_at=timezone.now()
    )
    job.refresh_from_db()
    return restarted == 1
