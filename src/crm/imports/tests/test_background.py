"""Big files run as background jobs (crm.jobs) and interrupted ones are picked up again."""

from datetime import timedelta

from django.utils import timezone

from crm.customers.models import Customer
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.services import lifecycle as service
from crm.imports.services.run import import_execute
from crm.imports.tests.conftest import HEADER, Upload, csv_bytes
from crm.jobs.models import JobRun, JobRunStatus

ROWS = [HEADER, *[[f"后台{i}号科技有限公司", "华东", "普通客户", "刘洋", "", "", "", ""] for i in range(30)]]


def _mapped(sales):
    job = service.import_create(
        actor=sales.supervisor, record_type="customers", upload=Upload(csv_bytes(ROWS), "b.csv")
    )
    return service.import_map(actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults)


def test_a_big_file_is_imported_by_a_background_job(sales, settings, django_capture_on_commit_callbacks):
    settings.CRM_IMPORT_INLINE_ROWS = 10
    settings.CRM_IMPORT_BATCH_SIZE = 7
    job = _mapped(sales)
    with django_capture_on_commit_callbacks(execute=True):
        queued = service.import_start(actor=sales.supervisor, job=job)
    assert queued.status == ImportStatus.QUEUED and queued.run is not None
    job.refresh_from_db()
    run = JobRun.objects.get(pk=queued.run_id)
    assert (run.job, run.status, run.result["created"]) == ("imports.run", JobRunStatus.SUCCEEDED, 30)
    assert (job.status, job.created_count, job.next_row, job.total_rows) == (ImportStatus.SUCCEEDED, 30, 30, 30)
    assert Customer.objects.count() == 30


def test_an_import_whose_process_died_is_resumed_by_the_scheduled_job(
    sales, settings, django_capture_on_commit_callbacks
):
    settings.CRM_IMPORT_BATCH_SIZE = 10
    job = _mapped(sales)
    # A process claimed it, wrote nothing, and died an hour ago.
    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportStatus.RUNNING, claim="dead", heartbeat_at=timezone.now() - timedelta(hours=1)
    )
    assert service.is_interrupted(ImportJob.objects.get(pk=job.pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert service.imports_recover() == {"resumed": 1}
    job.refresh_from_db()
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 30)
    # A live process (recent heartbeat) is left alone.
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, heartbeat_at=timezone.now())
    assert service.imports_recover() == {"resumed": 0}


def test_a_second_process_makes_the_first_stop_before_its_next_batch(sales, settings):
    """The claim: a batch commits only while its process still holds the import."""
    settings.CRM_IMPORT_BATCH_SIZE = 10
    job = _mapped(sales)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)
    calls = []

    def take_over(current):
        calls.append(current.next_row)
        if len(calls) == 1:  # after the first batch, another process claims the import
            ImportJob.objects.filter(pk=current.pk).update(claim="other-process")

    result = import_execute(job.pk, on_batch=take_over)
    assert calls == [10] and result.next_row == 10 and result.claim == "other-process"
    assert Customer.objects.count() == 10  # the first batch stays, the rest was left to the other process
