"""The built-in weekly clean-up job."""

from datetime import timedelta

from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from crm.jobs import registry
from crm.jobs.models import JobRun, JobRunStatus
from crm.jobs.schedules import cron_expression
from crm.jobs.services import job_run_sync
from crm.notifications.models import Notification


def test_cleanup_is_registered_weekly_on_sunday_at_three():
    entry = registry.get("system.cleanup")
    assert cron_expression(entry.schedule) == "0 3 * * 0"


def test_cleanup_deletes_only_what_is_expired_and_is_idempotent(db, make_user):
    now = timezone.now()
    user = make_user("u1")
    live = SessionStore()
    live.create()
    expired = SessionStore()
    expired.create()
    Session.objects.filter(session_key=expired.session_key).update(expire_date=now - timedelta(minutes=1))
    old_read = Notification.objects.create(recipient=user, title="old read", read_at=now - timedelta(days=200))
    old_unread = Notification.objects.create(recipient=user, title="old unread")
    Notification.objects.filter(pk=old_unread.pk).update(created_at=now - timedelta(days=400))
    recent_read = Notification.objects.create(recipient=user, title="recent", read_at=now - timedelta(days=10))
    old_run = JobRun.objects.create(job="system.cleanup", status=JobRunStatus.SUCCEEDED)
    JobRun.objects.filter(pk=old_run.pk).update(created_at=now - timedelta(days=91))
    recent_run = JobRun.objects.create(job="system.cleanup", status=JobRunStatus.SUCCEEDED)

    run = job_run_sync(name="system.cleanup")
    assert run.status == JobRunStatus.SUCCEEDED, run.error
    assert run.result == {"sessions": 1, "notifications": 1, "job_runs": 1}
    assert set(Session.objects.values_list("session_key", flat=True)) == {live.session_key}
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk, recent_read.pk}
    assert not JobRun.objects.filter(pk=old_run.pk).exists()
    assert JobRun.objects.filter(pk=recent_run.pk).exists()

    again = job_run_sync(name="system.cleanup")
    assert again.result == {"sessions": 0, "notifications": 0, "job_runs": 0}
    assert old_read.pk not in set(Notification.objects.values_list("pk", flat=True))
