"""Background jobs in a real browser (zh-hans): an administrator opens 后台任务 from the sidebar,
starts the weekly clean-up by hand (立即运行) and sees the run succeed in the run log."""

from pathlib import Path

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from crm.jobs.models import JobRun, JobRunStatus

SHOTS = Path("/tmp/shots")


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()  # login lockout counters and cached settings from earlier tests
    yield
    cache.clear()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_admin_runs_the_cleanup_now_and_sees_it_succeed(admin_user, login, page):
    login("admin1")
    page.get_by_role("link", name="后台任务", exact=True).click()  # the sidebar entry
    expect(page.get_by_role("heading", name="后台任务", exact=True)).to_be_visible()

    job_row = page.get_by_test_id("job-table").locator('tr[data-job="system.cleanup"]')
    expect(job_row).to_contain_text("每周日 03:00")
    expect(job_row).to_contain_text("从未")
    job_row.get_by_role("button", name="立即运行").click()

    expect(page.locator(".alert-success")).to_contain_text("清理过期数据")
    run = JobRun.objects.get(job="system.cleanup")
    assert run.status == JobRunStatus.SUCCEEDED
    assert run.triggered_by_id == admin_user.pk
    run_row = page.get_by_test_id("run-table").locator(f'tr[data-run="{run.pk}"]')
    expect(run_row).to_contain_text("成功")
    expect(run_row).to_contain_text("sessions: 0")
    # The job's row now shows the last run.
    expect(job_row.locator('[data-status="succeeded"]:visible')).to_be_visible()

    # The run's own page shows its result.
    run_row.get_by_role("link", name=str(run.pk), exact=True).click()
    expect(page.get_by_role("heading", name=f"任务运行 #{run.pk}")).to_be_visible()
    expect(page.get_by_test_id("run-result")).to_contain_text('"job_runs": 0')


def seed_runs(admin_user):
    """A scheduled run that succeeded and a manual one that failed."""
    from datetime import timedelta

    from django.utils import timezone

    from crm.jobs import registry
    from crm.jobs.schedules import latest_slot

    now = timezone.now()
    JobRun.objects.create(
        job="system.cleanup",
        status=JobRunStatus.SUCCEEDED,
        scheduled_for=latest_slot(registry.get("system.cleanup").schedule, now),
        result={"sessions": 12, "notifications": 3, "job_runs": 40},
        started_at=now - timedelta(days=7),
        finished_at=now - timedelta(days=7) + timedelta(seconds=2),
        duration=timedelta(seconds=2.4),
    )
    failed = JobRun.objects.create(
        job="system.cleanup",
        status=JobRunStatus.FAILED,
        triggered_by=admin_user,
        error='Traceback (most recent call last):\n  File "cleanup.py", line 20\nOperationalError: database is locked',
        started_at=now - timedelta(hours=2),
        finished_at=now - timedelta(hours=2) + timedelta(seconds=95),
        duration=timedelta(seconds=95),
    )
    return failed


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_failed_run_error_expands_and_pages_fit_phone_and_desktop(admin_user, login, page, live_server):
    failed = seed_runs(admin_user)
    login("admin1")
    page.goto(f"{live_server.url}/jobs/")
    row = page.get_by_test_id("run-table").locator(f'tr[data-run="{failed.pk}"]')
    expect(row).to_contain_text("失败")
    error = page.locator(f"#run-error-{failed.pk}")
    expect(error).to_be_hidden()
    row.get_by_role("button", name="错误").click()
    expect(error).to_be_visible()
    expect(error).to_contain_text("database is locked")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "jobs-list-1366.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.reload()
    page.screenshot(path=str(SHOTS / "jobs-list-375.png"), full_page=True)
    page.goto(f"{live_server.url}/jobs/runs/{failed.pk}/")
    expect(page.get_by_test_id("run-error")).to_contain_text("database is locked")
    page.screenshot(path=str(SHOTS / "jobs-run-375.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.reload()
    page.screenshot(path=str(SHOTS / "jobs-run-1366.png"), full_page=True)
