"""/api/v1/jobs/ and /api/v1/job-runs/."""

import pytest
from rest_framework.test import APIClient

from crm.jobs.models import JobRun, JobRunStatus


@pytest.fixture
def api(admin_user):
    client = APIClient()
    client.force_authenticate(admin_user)
    return client


@pytest.fixture
def manager_api(make_user, org):
    client = APIClient()
    client.force_authenticate(make_user("m1", role="manager", department=org.sales1))
    return client


def test_jobs_list_has_schedule_and_last_run(api):
    run = JobRun.objects.create(job="system.cleanup", status=JobRunStatus.SUCCEEDED, result={"sessions": 2})
    response = api.get("/api/v1/jobs/")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"count", "count_capped", "next", "previous", "results"}
    cleanup = next(job for job in body["results"] if job["name"] == "system.cleanup")
    assert cleanup["cron"] == "0 3 * * 0"
    assert cleanup["next_run_at"]
    assert cleanup["last_run"]["id"] == run.pk
    assert cleanup["last_run"]["result"] == {"sessions": 2}


def test_job_retrieve_and_404(api):
    assert api.get("/api/v1/jobs/system.cleanup/").json()["name"] == "system.cleanup"
    response = api.get("/api/v1/jobs/no.such/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_run_answers_202_with_the_run(api, admin_user, echo_job, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/api/v1/jobs/test.echo/run/", {"kwargs": {"limit": 5}}, format="json")
    assert response.status_code == 202
    body = response.json()
    run = JobRun.objects.get(pk=body["id"])
    assert run.triggered_by == admin_user and run.kwargs == {"limit": 5}
    # The test's transaction never commits: the captured dispatch runs when the block ends.
    assert body["status"] == "queued"
    assert body["triggered_by"]["id"] == admin_user.pk
    run.refresh_from_db()
    assert run.status == JobRunStatus.SUCCEEDED
    assert run.result == {"echo": {"limit": 5}, "run": run.pk}


def test_run_while_pending_is_409(api, echo_job):
    JobRun.objects.create(job="test.echo")
    response = api.post("/api/v1/jobs/test.echo/run/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_run_with_bad_kwargs_is_400(api, echo_job):
    response = api.post("/api/v1/jobs/test.echo/run/", {"kwargs": "nope"}, format="json")
    assert response.status_code == 400
    assert "kwargs" in response.json()["error"]["fields"]
    assert not JobRun.objects.exists()


def test_unknown_job_run_is_404(api):
    assert api.post("/api/v1/jobs/no.such/run/", {}, format="json").status_code == 404


def test_manager_is_refused_everywhere(manager_api, echo_job):
    run = JobRun.objects.create(job="system.cleanup")
    assert manager_api.get("/api/v1/jobs/").status_code == 403
    assert manager_api.post("/api/v1/jobs/test.echo/run/", {}, format="json").status_code == 403
    assert manager_api.get("/api/v1/job-runs/").status_code == 403
    assert manager_api.get(f"/api/v1/job-runs/{run.pk}/").status_code == 403
    assert JobRun.objects.count() == 1


def test_viewing_without_run_permission_cannot_run(make_user, org, echo_job):
    from crm.access.models import Role, RolePermission

    role = Role.objects.create(code="observer", name="观察员")
    RolePermission.objects.create(role=role, code="jobs.job.view")
    user = make_user("obs", role="observer", department=org.head)
    client = APIClient()
    client.force_authenticate(user)
    assert client.get("/api/v1/jobs/").status_code == 200
    assert client.post("/api/v1/jobs/test.echo/run/", {}, format="json").status_code == 403
    assert not JobRun.objects.exists()


def test_unauthenticated_is_refused(echo_job, db):
    response = APIClient().get("/api/v1/job-runs/")
    assert response.status_code in (401, 403)


def test_job_runs_filter_and_retrieve(api):
    ok = JobRun.objects.create(job="system.cleanup", status=JobRunStatus.SUCCEEDED)
    bad = JobRun.objects.create(job="system.cleanup", status=JobRunStatus.FAILED, error="boom")
    JobRun.objects.create(job="other.job", status=JobRunStatus.SUCCEEDED)
    ids = [r["id"] for r in api.get("/api/v1/job-runs/", {"job": "system.cleanup"}).json()["results"]]
    assert ids == [bad.pk, ok.pk]
    failed = api.get("/api/v1/job-runs/", {"status": "failed"}).json()["results"]
    assert [r["id"] for r in failed] == [bad.pk]
    assert failed[0]["error"] == "boom"
    assert api.get("/api/v1/job-runs/", {"status": "bogus"}).status_code == 400
    detail = api.get(f"/api/v1/job-runs/{ok.pk}/").json()
    assert detail["job"] == "system.cleanup" and detail["status"] == "succeeded"
    assert api.get("/api/v1/job-runs/999999/").status_code == 404


@pytest.mark.parametrize("rows", [3, 25])
def test_job_runs_list_query_count_is_constant(api, admin_user, rows, django_assert_num_queries):
    JobRun.objects.bulk_create(
        [JobRun(job="system.cleanup", status=JobRunStatus.SUCCEEDED, triggered_by=admin_user) for _ in range(rows)]
    )
    # The caller's roles (5 queries: which roles, then the roles, functions, scopes, field rules: the first
    # request with these roles in the process, ADR 0028), count, page.
    with django_assert_num_queries(7):
        response = api.get("/api/v1/job-runs/", {"page_size": 50})
    assert len(response.json()["results"]) == rows


@pytest.mark.parametrize("rows", [3, 25])
def test_jobs_list_query_count_is_constant(api, rows, django_assert_num_queries):
    JobRun.objects.bulk_create([JobRun(job="system.cleanup", status=JobRunStatus.SUCCEEDED) for _ in range(rows)])
    # The caller's roles (5, as above), the latest run of every job (one query with a subquery).
    with django_assert_num_queries(6):
        response = api.get("/api/v1/jobs/")
    assert response.status_code == 200
