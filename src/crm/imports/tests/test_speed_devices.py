"""The run's speed devices (ADR 0015): batches commit without waiting for the disk, and Python's
garbage collector pauses, but only where the process runs imports alone (the `crm import`
command, an import job in a Celery worker). The collector is the process's: an import within a
request, or in the web process's job thread (the embedded setup), leaves it on."""

import gc

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from crm.customers.models import Customer
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.services import lifecycle
from crm.imports.services.run import collector_paused, relaxed_commit
from crm.imports.tests.conftest import HEADER, Upload, csv_bytes
from crm.jobs.services import job_run_sync

ROWS = [HEADER, *[[f"回收{i}号科技有限公司", "华东", "普通客户", "刘洋", "", "", "", ""] for i in range(3)]]


def _collector_while_writing(work) -> set[bool]:
    """Whether the collector was on when `work()` reserved the numbers of the customers it
    created (a query of every batch that creates customers, on this thread's connection)."""
    states = set()

    def record(execute, sql, params, many, context):
        if "numbersequence" in sql.lower():
            states.add(gc.isenabled())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        work()
    assert gc.isenabled()  # and on again afterwards
    return states


def _mapped(sales):
    upload = Upload(csv_bytes(ROWS), "g.csv")
    job = lifecycle.import_create(actor=sales.supervisor, record_type="customers", upload=upload)
    return lifecycle.import_map(actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults)


def test_an_import_within_a_request_leaves_the_collector_on(client, sales):
    job = _mapped(sales)
    client.force_login(sales.supervisor)
    assert _collector_while_writing(lambda: client.post(f"/data/imports/{job.pk}/start/")) == {True}
    assert Customer.objects.count() == 3


@pytest.mark.parametrize(("backend", "collector"), [("thread", True), ("celery", False)])
def test_the_import_job_pauses_the_collector_only_in_a_celery_worker(sales, settings, backend, collector):
    """With the embedded backend ("thread") the job runs in a thread of the web process."""
    settings.CRM_JOBS_BACKEND = backend
    job = _mapped(sales)
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.QUEUED)  # as a big file's start leaves it
    states = _collector_while_writing(lambda: job_run_sync(name="imports.run", kwargs={"import_id": job.pk}))
    assert states == {collector} and Customer.objects.count() == 3


def test_the_import_command_pauses_the_collector(sales, tmp_path, capsys):
    path = tmp_path / "g.csv"
    path.write_bytes(csv_bytes(ROWS))
    assert _collector_while_writing(lambda: call_command("import", "customers", str(path), "--as", "sup")) == {False}
    assert "created 3" in capsys.readouterr().out


def test_the_collector_is_paused_inside_and_back_after_the_last_import():
    assert gc.isenabled()
    with collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # two imports in one worker process
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("the import failed")
    assert gc.isenabled()


@pytest.mark.django_db(transaction=True)  # SET LOCAL lasts to the end of the real transaction
def test_relaxed_commit_holds_for_its_transaction_only():
    def setting():
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    if connection.vendor != "postgresql":
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            relaxed_commit()  # nothing to relax: a no-op
        assert captured.captured_queries == []
        return
    before = setting()
    with transaction.atomic():
        relaxed_commit()
        assert setting() == "off"
    assert setting() == before == "on"
