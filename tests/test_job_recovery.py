"""Jobs that survive their worker: imports and reports whose worker dies are marked or taken over.

The fault tests run real processes: a redis-server of their own as broker, a real
``celery -A config worker`` over the test database, killed with SIGKILL in the middle of
a 3,000-row import; the others check the lease rules (take-over, fence, sweep) and the admin.
"""

from __future__ import annotations

import datetime
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import psutil
import pytest
import redis
from billiard.exceptions import WorkerLostError
from celery import Celery
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import task_failure
from django.core.cache import cache
from django.db import connection
from django.urls import reverse
from django.utils import timezone

import addressbook.services.imports as imports_service
from addressbook.choices import ImportStatus, ReportStatus
from addressbook.models import FunctionAddress, ImportJob, StatisticsReport
from addressbook.resources.addresses import FunctionAddressResource
from addressbook.services.import_recovery import import_job_restart, import_jobs_recover
from addressbook.services.imports import (
    import_job_apply,
    import_job_create,
    import_job_preview,
    progress_key,
)
from addressbook.services.statistics import statistics_reports_recover
from addressbook.tasks import apply_import_task, build_statistics_report_task
from tests.own_services import OwnRedis, wait_until
from tests.test_celery_worker import BASE_DIR, database_url
from tests.test_import_bulk import addresses_file, csv

ROWS = 3000
# Short, so that a dead worker's job is found within seconds (production: a minute).
LEASE_SECONDS = 1
FILE = csv(addresses_file(ROWS))
PREVIEW_LOST_SV = "Processen som läste filen stoppades innan den var klar"
APPLY_LOST_SV = "Processen som importerade filen stoppades innan den var klar"


def imported() -> int:
    return FunctionAddress.objects.filter(identifier__startswith="sdk:bulk").count()


def a_stale_heartbeat() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=3 * LEASE_SECONDS)


def three_row_import(user) -> ImportJob:
    content = csv(addresses_file(3))
    return import_job_create(user=user, resource="addresses", file_name="a.csv", content=content)


def left_by_a_silent_worker(job: ImportJob, status: str) -> None:
    """``job`` as a worker leaves it that claimed it and then went silent for longer than a lease."""
    ImportJob.objects.filter(pk=job.pk).update(
        status=status, run_token=uuid.uuid4(), heartbeat_at=a_stale_heartbeat()
    )


def running_report(user, *, heartbeat_at: datetime.datetime) -> StatisticsReport:
    """Today's report, held by a run whose worker last beat at ``heartbeat_at``."""
    today = timezone.localdate()
    return StatisticsReport.objects.create(
        first_day=today,
        last_day=today,
        requested_by=user,
        status=ReportStatus.RUNNING,
        run_token=uuid.uuid4(),
        heartbeat_at=heartbeat_at,
    )


@pytest.fixture
def short_lease(settings):
    settings.JOB_LEASE_SECONDS = LEASE_SECONDS


# ------------------------------------------------------------------------------
# Real processes: a worker killed in the middle of a 3,000-row import
# ------------------------------------------------------------------------------
class Workers:
    """Real Celery workers (one pool process each) over the test's own redis-server.

    Shared by the fault tests (a worker takes seconds to start): a test kills one, the next
    test uses the one started in its place.
    """

    def __init__(self, broker_url: str, media_root: str) -> None:
        self.broker_url = broker_url
        self.media_root = media_root
        self.env = {
            **os.environ,
            "REDIS_URL": broker_url,  # broker, results and the progress the admin shows
            "DATABASE_URL": database_url(),
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            # Uploaded imports are files: the worker must find them where the test put them.
            "MEDIA_ROOT": media_root,
            "JOB_LEASE_SECONDS": str(LEASE_SECONDS),
        }
        self.processes: list[subprocess.Popen] = []
        # What a web process does: send tasks through the broker (here the test's own).
        # Not the current app: the tasks of the tests after these would be sent to this broker.
        self.sender = Celery("sender", broker=broker_url, backend=broker_url, set_as_current=False)

    def running(self) -> subprocess.Popen:
        """A live worker: the last one started, or a new one."""
        if self.processes and self.processes[-1].poll() is None:
            return self.processes[-1]
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=prefork",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=WARNING",
            ],
            cwd=BASE_DIR,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        wait_until(lambda: bool(psutil.Process(process.pid).children()), "the worker's pool process")
        return process

    def send(self, name: str, *args):
        return self.sender.send_task(name, args=list(args))

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=30)
        self.sender.close()


@pytest.fixture(scope="module")
def worker_pool(django_db_setup, tmp_path_factory):
    with OwnRedis(tmp_path_factory.mktemp("broker")) as broker:
        running = Workers(broker.url, str(tmp_path_factory.mktemp("media")))
        yield running
        running.stop()


@pytest.fixture
def workers(worker_pool, settings):
    settings.MEDIA_ROOT = worker_pool.media_root
    return worker_pool


def wait_until_mid_run(job: ImportJob, running: str, broker_url: str) -> None:
    """Until the worker has claimed the job and got past its first rows (progress is shown)."""
    progress = redis.Redis.from_url(broker_url)
    key = cache.make_key(progress_key(job))

    def mid_run() -> bool:
        job.refresh_from_db()
        return job.status == running and int(progress.get(key) or 0) > 0

    wait_until(mid_run, f"the worker's run of {job}", timeout=60)


def wait_for(job: ImportJob, *statuses: str) -> None:
    def reached() -> bool:
        job.refresh_from_db()
        return job.status in statuses

    wait_until(reached, f"{job} reaching {statuses}", timeout=60)


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("victim", ["pool process", "main process"])
@pytest.mark.parametrize(
    ("task", "running", "lost_to", "lost_message", "done"),
    [
        ("addressbook.preview_import", "previewing", "failed", PREVIEW_LOST_SV, "previewed"),
        ("addressbook.apply_import", "applying", "previewed", APPLY_LOST_SV, "applied"),
    ],
    ids=["preview", "apply"],
)
def test_a_job_whose_worker_is_killed_is_marked_and_runs_to_completion_when_started_again(
    workers, malmo, federation_admin, victim, task, running, lost_to, lost_message, done
):
    # given a 3,000-row file (previewed already, when the import is what is killed)
    job = import_job_create(user=federation_admin, resource="addresses", file_name="stor.csv", content=FILE)
    if task == "addressbook.apply_import":
        import_job_preview(job=job)
        assert job.status == ImportStatus.PREVIEWED
    arguments = (str(job.pk), federation_admin.pk) if task == "addressbook.apply_import" else (str(job.pk),)
    worker = workers.running()

    # when the worker is killed (kill -9) half-way through the job
    workers.send(task, *arguments)
    wait_until_mid_run(job, running, workers.broker_url)
    pool_process = psutil.Process(worker.pid).children()[0]
    os.kill(pool_process.pid if victim == "pool process" else worker.pid, signal.SIGKILL)
    if victim == "main process":
        # The whole worker is gone (its pool process dies with it) and a new one starts; the
        # periodic sweep finds the job silent for two leases.
        pool_process.wait(timeout=10)
        workers.running()
        time.sleep(2 * LEASE_SECONDS)
        assert workers.send("addressbook.recover_abandoned_jobs").get(timeout=30) == 1
    wait_for(job, lost_to)

    # then the job says, in Swedish, what happened and what to do, and nothing was written
    assert lost_message in job.message
    assert imported() == 0
    assert job.run_token is None

    # when it is started again (read again, or confirmed again)
    if task == "addressbook.preview_import":
        assert import_job_restart(job=job)
    workers.send(task, *arguments)

    # then it runs to completion: every row previewed or imported
    wait_for(job, done)
    assert job.message == ""
    assert job.total_rows == ROWS
    assert imported() == (ROWS if done == "applied" else 0)


# ------------------------------------------------------------------------------
# The lease: one run at a time; a run that is gone is taken over; a run that lost writes nothing
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_a_redelivered_message_takes_over_a_job_whose_worker_went_silent(
    short_lease, malmo, federation_admin
):
    # given a preview whose worker claimed it and then went silent for longer than a lease
    job = three_row_import(federation_admin)
    left_by_a_silent_worker(job, ImportStatus.PREVIEWING)

    # when its message is delivered again
    import_job_preview(job=job)

    # then this run reads the file in the dead run's place
    assert job.status == ImportStatus.PREVIEWED
    assert job.summary == {"create": 3}
    assert job.run_token is None


@pytest.mark.django_db
def test_a_message_delivered_twice_does_nothing_while_the_first_run_lives(
    short_lease, malmo, federation_admin
):
    # given an import whose worker is alive (its heartbeat is fresh)
    job = three_row_import(federation_admin)
    import_job_preview(job=job)
    live = uuid.uuid4()
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.APPLYING, run_token=live, heartbeat_at=timezone.now()
    )

    # when a second delivery of the confirmation arrives
    with pytest.raises(imports_service.ImportRefusedError):
        import_job_apply(job=job, user=federation_admin)

    # then it leaves the job to the live run and writes nothing
    job.refresh_from_db()
    assert (job.status, job.run_token) == (ImportStatus.APPLYING, live)
    assert imported() == 0


@pytest.mark.django_db(transaction=True)
def test_a_run_that_lost_its_job_to_another_rolls_its_import_back(
    short_lease, malmo, federation_admin, monkeypatch
):
    # given a preview, and a run that stalls while importing until another run takes the job over
    job = three_row_import(federation_admin)
    import_job_preview(job=job)
    successor = uuid.uuid4()
    real_run = imports_service._run

    def take_over() -> None:
        # The other run's worker, on its own connection.
        ImportJob.objects.filter(pk=job.pk).update(run_token=successor)
        connection.close()

    def stalled_run(*args, **kwargs):
        outcomes = real_run(*args, **kwargs)
        other_worker = threading.Thread(target=take_over)
        other_worker.start()
        other_worker.join()
        return outcomes

    monkeypatch.setattr(imports_service, "_run", stalled_run)

    # when the stalled run finishes its import
    import_job_apply(job=job, user=federation_admin)

    # then it wrote nothing: the job belongs to the other run, which imports it once
    job.refresh_from_db()
    assert (job.status, job.run_token) == (ImportStatus.APPLYING, successor)
    assert imported() == 0


# ------------------------------------------------------------------------------
# The sweep (beat) and the admin: marked in Swedish, started again with one click
# ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_an_import_whose_worker_is_gone_goes_back_to_its_preview_and_is_confirmed_again_in_the_admin(
    short_lease, as_user, malmo, federation_admin
):
    # given an import whose worker went silent two leases ago, and one whose worker lives
    job = three_row_import(federation_admin)
    import_job_preview(job=job)
    left_by_a_silent_worker(job, ImportStatus.APPLYING)
    alive = three_row_import(federation_admin)
    ImportJob.objects.filter(pk=alive.pk).update(
        status=ImportStatus.PREVIEWING, run_token=uuid.uuid4(), heartbeat_at=timezone.now()
    )

    # when the sweep runs
    marked = import_jobs_recover()

    # then only the abandoned one is marked, and the admin says so in Swedish and offers to confirm
    assert marked == 1
    client = as_user(federation_admin)
    page = client.get(reverse("admin:addressbook_importjob_change", args=[job.pk]))
    assert APPLY_LOST_SV in page.text
    assert "bekräfta den igen" in page.text
    confirmed = client.post(reverse("admin:addressbook_importjob_confirm", args=[job.pk]), follow=True)
    job.refresh_from_db()
    assert job.status == ImportStatus.APPLIED, confirmed.text
    assert imported() == 3
    alive.refresh_from_db()
    assert alive.status == ImportStatus.PREVIEWING


@pytest.mark.django_db
def test_the_lost_import_message_delivered_again_later_does_not_import_a_preview_sent_back(
    short_lease, as_user, malmo, federation_admin, settings, monkeypatch
):
    # given an import confirmed in the admin and queued for a worker (what the message carries)
    settings.IMPORT_INLINE_BYTES = 0
    queued: list[tuple] = []
    monkeypatch.setattr(apply_import_task, "delay_on_commit", lambda *args: queued.append(args))
    job = three_row_import(federation_admin)
    import_job_preview(job=job)
    client = as_user(federation_admin)
    confirm = reverse("admin:addressbook_importjob_confirm", args=[job.pk])
    client.post(confirm)
    [message] = queued

    # when its worker dies for good (the whole worker: the broker keeps the message unacknowledged)
    # and the sweep sends the import back to its preview
    left_by_a_silent_worker(job, ImportStatus.APPLYING)
    assert import_jobs_recover() == 1

    # then the message, delivered again when the broker's visibility timeout is over, imports
    # nothing: the administrator was told to confirm again and has not
    assert apply_import_task(*message) == ImportStatus.PREVIEWED
    assert imported() == 0

    # and a new confirmation imports it, once, whatever comes of the old message afterwards
    client.post(confirm)
    assert apply_import_task(*queued[1]) == ImportStatus.APPLIED
    assert apply_import_task(*message) == ImportStatus.APPLIED
    assert imported() == 3


@pytest.mark.django_db
def test_a_preview_whose_worker_is_gone_fails_and_is_read_again_from_the_admin(
    short_lease, as_user, malmo, federation_admin
):
    # given a preview whose worker went silent two leases ago
    job = three_row_import(federation_admin)
    left_by_a_silent_worker(job, ImportStatus.PREVIEWING)

    # when the sweep runs and an administrator presses "read the file again"
    assert import_jobs_recover() == 1
    client = as_user(federation_admin)
    page = client.get(reverse("admin:addressbook_importjob_change", args=[job.pk]))
    read_again = client.post(reverse("admin:addressbook_importjob_restart", args=[job.pk]), follow=True)

    # then the page explained it in Swedish, and the file is previewed afresh
    assert PREVIEW_LOST_SV in page.text
    assert "Läs in filen igen" in page.text
    assert "Filen läses in igen." in read_again.text
    job.refresh_from_db()
    assert (job.status, job.summary) == (ImportStatus.PREVIEWED, {"create": 3})


@pytest.mark.django_db
def test_a_report_whose_worker_is_gone_fails_and_is_computed_again_from_the_admin(
    short_lease, as_user, federation_admin, django_capture_on_commit_callbacks
):
    # given a report whose worker went silent two leases ago
    report = running_report(federation_admin, heartbeat_at=a_stale_heartbeat())

    # when the sweep runs and an administrator uses "compute again" on it
    assert statistics_reports_recover() == 1
    report.refresh_from_db()
    lost = report.message
    client = as_user(federation_admin)
    with django_capture_on_commit_callbacks() as sent:
        answer = client.post(
            reverse("admin:addressbook_statisticsreport_changelist"),
            {"action": "compute_again", "_selected_action": [str(report.pk)]},
            follow=True,
        )

    # then it failed saying so in Swedish, and is queued for the worker again
    assert lost.startswith("Processen som beräknade rapporten stoppades")
    assert "1 rapport beräknas igen." in answer.text
    report.refresh_from_db()
    assert (report.status, report.message, report.run_token) == (ReportStatus.QUEUED, "", None)
    assert len(sent) == 1


@pytest.mark.django_db
@pytest.mark.parametrize("confirmed", [False, True], ids=["preview", "import"])
def test_a_job_stopped_by_the_soft_time_limit_half_way_says_so_and_writes_nothing(
    malmo, federation_admin, monkeypatch, confirmed
):
    # given a file whose preview or import outlasts the worker's soft time limit at its 3rd row
    job = import_job_create(
        user=federation_admin, resource="addresses", file_name="a.csv", content=csv(addresses_file(5))
    )
    if confirmed:
        import_job_preview(job=job)
    before_row = FunctionAddressResource.before_import_row

    def out_of_time(resource, row, **kwargs):
        if len(resource.outcomes) == 2:
            raise SoftTimeLimitExceeded
        return before_row(resource, row, **kwargs)

    monkeypatch.setattr(FunctionAddressResource, "before_import_row", out_of_time)

    # when it runs
    if confirmed:
        with pytest.raises(SoftTimeLimitExceeded):
            import_job_apply(job=job, user=federation_admin)
        job.refresh_from_db()
    else:
        import_job_preview(job=job)

    # then it stopped there (not just that row), said what to do in Swedish, and wrote nothing
    assert job.status == (ImportStatus.REFUSED if confirmed else ImportStatus.FAILED)
    assert job.message.startswith("Filen tog längre tid än bakgrundsprocessens gräns på 25 minuter")
    assert job.run_token is None
    assert imported() == 0


@pytest.mark.django_db
def test_a_report_whose_pool_process_was_killed_is_marked_failed_at_once(federation_admin):
    # given a report being computed
    report = running_report(federation_admin, heartbeat_at=timezone.now())

    # when the worker's main process reports its pool process lost (as Celery does after kill -9)
    task_failure.send(
        sender=build_statistics_report_task,
        task_id="lost",
        exception=WorkerLostError("Worker exited prematurely: signal 9 (SIGKILL)."),
        args=[str(report.pk)],
        kwargs={},
        traceback=None,
        einfo=None,
    )

    # then the report failed at once, saying what to do, and holds no lease
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert report.message.startswith("Processen som beräknade rapporten stoppades")
    assert (report.run_token, report.heartbeat_at) == (None, None)
