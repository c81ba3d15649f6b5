"""The background jobs page: jobs with "Run now", the run log, one run."""

import pytest
from django.test import Client
from django.urls import reverse

from crm.jobs.models import JobRun, JobRunStatus
from crm.testing import DEMO_PASSWORD

URL = reverse("jobs:job_list")


@pytest.fixture
def admin_client(admin_user):
    client = Client()
    client.force_login(admin_user)
    return client


def make_runs(count: int, job: str = "system.cleanup", user=None):
    JobRun.objects.bulk_create(
        [
            JobRun(
                job=job,
                status=JobRunStatus.FAILED if i % 3 == 0 else JobRunStatus.SUCCEEDED,
                error="Traceback: boom" if i % 3 == 0 else "",
                result=None if i % 3 == 0 else {"sessions": i},
                triggered_by=user,
            )
            for i in range(count)
        ]
    )


def test_page_lists_jobs_with_schedule_last_run_and_run_button(admin_client, admin_user, echo_job):
    make_runs(2, user=admin_user)
    last = JobRun.objects.filter(job="system.cleanup").order_by("-id").first()
    response = admin_client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-job="system.cleanup"' in html and 'data-job="test.echo"' in html
    assert "Every Sunday at 03:00" in html and "0 3 * * 0" in html
    assert reverse("jobs:run_detail", args=[last.pk]) in html
    assert reverse("jobs:job_run", args=["system.cleanup"]) in html
    assert 'id="run-error-' in html  # failed runs have a collapsible error


def test_sidebar_shows_the_entry_to_admins_only(admin_client, make_user, org):
    assert URL in admin_client.get(reverse("console:home")).content.decode()
    manager = make_user("m1", role="manager", department=org.sales1)
    client = Client()
    client.force_login(manager)
    assert URL not in client.get(reverse("console:home")).content.decode()


def test_run_now_creates_a_run_and_redirects_with_a_message(
    admin_client, admin_user, echo_job, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("jobs:job_run", args=["test.echo"]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    assert response["Location"].startswith(URL + "?job=test.echo")
    run = JobRun.objects.get(job="test.echo")
    assert run.triggered_by == admin_user
    assert run.status == JobRunStatus.SUCCEEDED
    page = admin_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"run #{run.pk} started" in page
    assert f'data-run="{run.pk}"' in page


def test_run_now_while_pending_shows_an_error(admin_client, echo_job, django_capture_on_commit_callbacks):
    JobRun.objects.create(job="test.echo")  # queued
    response = admin_client.post(reverse("jobs:job_run", args=["test.echo"]), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "already queued or running" in response.content.decode()
    assert JobRun.objects.filter(job="test.echo").count() == 1


def test_run_now_of_an_unknown_job_is_404(admin_client):
    assert admin_client.post(reverse("jobs:job_run", args=["no.such"])).status_code == 404


def test_run_now_needs_post(admin_client):
    assert admin_client.get(reverse("jobs:job_run", args=["system.cleanup"])).status_code == 405
    assert not JobRun.objects.exists()


def test_a_manager_gets_403_and_nothing_runs(make_user, org, echo_job):
    make_user("m1", role="manager", department=org.sales1)
    client = Client()
    assert client.login(username="m1", password=DEMO_PASSWORD)
    assert client.get(URL).status_code == 403
    assert client.post(reverse("jobs:job_run", args=["test.echo"])).status_code == 403
    make_runs(1)
    assert client.get(reverse("jobs:run_detail", args=[JobRun.objects.get().pk])).status_code == 403
    assert JobRun.objects.count() == 1
    assert echo_job.calls == []


def test_an_executive_may_not_see_jobs(make_user, org):
    make_user("boss", role="executive", department=org.head)
    client = Client()
    client.login(username="boss", password=DEMO_PASSWORD)
    assert client.get(URL).status_code == 403


def test_runs_filter_by_job_and_status(admin_client, echo_job):
    make_runs(3)
    make_runs(2, job="test.echo")
    html = admin_client.get(URL, {"job": "test.echo"}).content.decode()
    assert html.count('data-run="') == 2
    html = admin_client.get(URL, {"status": "failed"}).content.decode()
    failed = JobRun.objects.filter(status=JobRunStatus.FAILED).count()
    assert html.count('data-run="') == failed
    # A bad filter value is ignored, not an error.
    assert admin_client.get(URL, {"status": "bogus"}).status_code == 200


def test_htmx_refresh_returns_only_the_run_table(admin_client):
    JobRun.objects.create(job="system.cleanup")  # queued: the table keeps polling
    response = admin_client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="job-runs")
    html = response.content.decode()
    assert 'id="job-runs"' in html and 'hx-trigger="every 3s"' in html
    assert "<html" not in html


def test_run_detail_shows_result_and_error(admin_client):
    ok = JobRun.objects.create(job="system.cleanup", status=JobRunStatus.SUCCEEDED, result={"sessions": 4})
    bad = JobRun.objects.create(job="system.cleanup", status=JobRunStatus.FAILED, error="ValueError: broken")
    html = admin_client.get(reverse("jobs:run_detail", args=[ok.pk])).content.decode()
    assert "&quot;sessions&quot;: 4" in html
    html = admin_client.get(reverse("jobs:run_detail", args=[bad.pk])).content.decode()
    assert "ValueError: broken" in html
    assert admin_client.get(reverse("jobs:run_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("rows", [3, 25])
def test_page_queries_do_not_grow_with_runs(admin_client, admin_user, rows, django_assert_num_queries, echo_job):
    make_runs(rows, user=admin_user)
    make_runs(rows, job="test.echo")
    admin_client.get(URL)  # warm caches (system settings, sessions)
    with django_assert_num_queries(QUERIES):
        response = admin_client.get(URL)
    assert response.status_code == 200
    assert response.content.decode().count('data-run="') == min(2 * rows, 50)


QUERIES = 6  # 9 before the policy of a set of roles was held per process (ADR 0028)
