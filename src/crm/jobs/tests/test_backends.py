"""The backends for real: a background thread in the web process, a Celery worker process over
Redis, and `crm serve` (gunicorn) running the embedded scheduler."""

import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import OperationalError, connections
from django.utils import timezone

from crm.jobs import runner
from crm.jobs.models import JobRun, JobRunStatus
from crm.jobs.services import job_enqueue

REDIS_URL = "redis://127.0.0.1:6379/15"
CRM = Path(sys.executable).with_name("crm")


def wait_for(predicate, timeout: float, interval: float = 0.2):
    """Poll until predicate() is truthy (database hiccups of a concurrent writer are retried)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            value = predicate()
        except OperationalError:
            value = None
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


def finished_run(pk):
    def check():
        run = JobRun.objects.filter(pk=pk).first()
        return run if run is not None and run.finished else None

    return check


@pytest.mark.django_db(transaction=True)
def test_thread_backend_runs_the_job_in_another_thread(settings, echo_job):
    settings.CRM_JOBS_BACKEND = "thread"
    run = job_enqueue(name="test.echo", kwargs={"n": 1})
    assert echo_job.done.wait(10), "the job thread never ran the job"
    assert echo_job.threads[0] != threading.get_ident()
    # The job thread takes one run at a time: once this no-op has run, the run is stored.
    runner.executor().submit(lambda: None).result(timeout=10)
    finished = wait_for(finished_run(run.pk), timeout=10)
    assert finished is not None, JobRun.objects.filter(pk=run.pk).values().first()
    assert finished.status == JobRunStatus.SUCCEEDED, finished.error
    assert finished.result == {"echo": {"n": 1}, "run": run.pk}


# --- subprocesses on the test database ---------------------------------------------------------------
@contextmanager
def shared_database(tmp_path):
    """A database URL another process can open, holding what this test writes.

    PostgreSQL: the test database itself. SQLite: pytest's test database lives in memory, so it is
    copied into a file (VACUUM INTO: schema and rows) and this test's connection is pointed at
    that file until the end; the in-memory database is left untouched for the other tests.
    """
    connection = connections["default"]
    if connection.vendor == "postgresql":
        s = connection.settings_dict
        credentials = quote(s["USER"] or "") + (":" + quote(s["PASSWORD"]) if s["PASSWORD"] else "")
        host = f"{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}"
        yield f"postgres://{credentials}@{host}/{s['NAME']}"
        return
    if connection.vendor != "sqlite":
        pytest.skip(f"no shared test database for {connection.vendor}")
    path = tmp_path / "shared.sqlite3"
    if connection.is_in_memory_db():
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(path)])
        file_connection = connection.__class__({**connection.settings_dict, "NAME": str(path)}, alias="default")
        connections["default"] = file_connection
        try:
            yield f"sqlite:///{path}"
        finally:
            file_connection.close()
            connections["default"] = connection
    else:
        yield f"sqlite:///{connection.settings_dict['NAME']}"


def subprocess_env(database_url: str, data_dir: Path, **extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CRM_", "DJANGO_", "CELERY_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="crm.settings",
        CRM_DATABASE_URL=database_url,
        CRM_DATA_DIR=str(data_dir),
        CRM_SECRET_KEY="jobs-test-secret-key-not-for-production-0123456789",
        PYTHONUNBUFFERED="1",
        **extra,
    )
    return env


@contextmanager
def background_process(args, env, log: Path):
    with log.open("wb") as out:
        process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


def redis_reachable() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def celery_broker(settings):
    """This process sends its tasks to the test Redis database."""
    from crm.celery import app

    if not redis_reachable():
        pytest.skip("Redis is not reachable at 127.0.0.1:6379 (start it: redis-server --daemonize yes)")
    previous = app.conf.broker_url
    app.conf.broker_url = REDIS_URL
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CRM_JOBS_BACKEND = "celery"
    try:
        yield app
    finally:
        app.pool.force_close_all()
        app.conf.broker_url = previous


@pytest.mark.django_db(transaction=True)
def test_a_real_celery_worker_runs_an_enqueued_job(tmp_path, celery_broker):
    with shared_database(tmp_path) as database_url:
        env = subprocess_env(database_url, tmp_path / "worker", CRM_REDIS_URL=REDIS_URL)
        log = tmp_path / "worker.log"
        with background_process([str(CRM), "worker", "--without-mingle", "--without-gossip"], env, log):
            run = job_enqueue(name="system.cleanup")
            finished = wait_for(finished_run(run.pk), timeout=60, interval=0.5)
            assert finished is not None, f"the worker did not run the job in 60 s:\n{log.read_text()[-3000:]}"
        assert finished.status == JobRunStatus.SUCCEEDED, finished.error
        assert finished.result == {"sessions": 0, "notifications": 0, "job_runs": 0}
        assert f"job system.cleanup (run {run.pk}) succeeded" in log.read_text()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.django_db(transaction=True)
def test_crm_serve_answers_and_its_scheduler_picks_up_lost_runs(tmp_path):
    """`crm serve` (gunicorn, thread backend, embedded scheduler on): a run queued before a restart
    and never dispatched is found by the scheduler of the new server and executed."""
    with shared_database(tmp_path) as database_url:
        lost = JobRun.objects.create(job="system.cleanup")
        JobRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(minutes=30))
        port = free_port()
        env = subprocess_env(database_url, tmp_path / "serve", CRM_JOBS_SCHEDULER="1")
        log = tmp_path / "serve.log"
        with background_process([str(CRM), "serve", "--bind", f"127.0.0.1:{port}"], env, log):

            def status_of_api():
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/jobs/", timeout=2) as response:
                        return response.status
                except urllib.error.HTTPError as error:
                    return error.code
                except OSError:
                    return None

            assert wait_for(status_of_api, timeout=30) in (401, 403), log.read_text()[-3000:]
            finished = wait_for(finished_run(lost.pk), timeout=30, interval=0.5)
            assert finished is not None, f"the embedded scheduler did not run the lost job:\n{log.read_text()[-3000:]}"
        assert finished.status == JobRunStatus.SUCCEEDED, finished.error
        assert "embedded job scheduler started" in log.read_text()
