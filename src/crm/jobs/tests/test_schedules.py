"""Crontab slots as the embedded scheduler, the beat task and the pages compute them (CHURN-1)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from celery.schedules import crontab
from django.utils import translation

from crm.jobs.schedules import describe, due_slot, latest_slot, next_slot

SHANGHAI = ZoneInfo("Asia/Shanghai")
WEEKLY = crontab(minute=0, hour=2, day_of_week=6)  # Saturdays 02:00 (churn scan, CHURN-1)


def at(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


@pytest.mark.parametrize(
    ("now", "latest", "following"),
    [
        # Saturday 2026-11-21, just after the slot.
        (at(2026, 11, 21, 2, 0, 30), at(2026, 11, 21, 2, 0), at(2026, 11, 28, 2, 0)),
        (at(2026, 11, 21, 9, 15), at(2026, 11, 21, 2, 0), at(2026, 11, 28, 2, 0)),
        # Saturday just before the slot: last week's.
        (at(2026, 11, 21, 1, 59, 59), at(2026, 11, 14, 2, 0), at(2026, 11, 21, 2, 0)),
        # Wednesday.
        (at(2026, 11, 25, 12, 0), at(2026, 11, 21, 2, 0), at(2026, 11, 28, 2, 0)),
        # Across a year end: Saturday 2027-01-02.
        (at(2027, 1, 1, 23, 0), at(2026, 12, 26, 2, 0), at(2027, 1, 2, 2, 0)),
    ],
)
def test_weekly_slots(now, latest, following):
    assert latest_slot(WEEKLY, now) == latest
    assert next_slot(WEEKLY, now) == following


def test_slots_are_computed_in_the_schedule_time_zone():
    # 2026-11-20 18:30 UTC is Saturday 02:30 in Shanghai.
    now = datetime(2026, 11, 20, 18, 30, tzinfo=ZoneInfo("UTC"))
    assert latest_slot(WEEKLY, now) == at(2026, 11, 21, 2, 0)


def test_due_slot_respects_the_grace_period():
    grace = timedelta(hours=24)
    # Just after the slot, and a few hours later (server was down at 02:00): due once.
    assert due_slot(WEEKLY, at(2026, 11, 21, 2, 0, 10), grace) == at(2026, 11, 21, 2, 0)
    assert due_slot(WEEKLY, at(2026, 11, 21, 20, 0), grace) == at(2026, 11, 21, 2, 0)
    # Monday after a long downtime: that slot is too old, and older slots are never run.
    assert due_slot(WEEKLY, at(2026, 11, 23, 9, 0), grace) is None


def test_several_times_a_day_and_every_few_minutes():
    twice = crontab(minute=30, hour="8,18")
    assert latest_slot(twice, at(2026, 11, 25, 12, 0)) == at(2026, 11, 25, 8, 30)
    assert latest_slot(twice, at(2026, 11, 25, 7, 0)) == at(2026, 11, 24, 18, 30)
    assert next_slot(twice, at(2026, 11, 25, 18, 30)) == at(2026, 11, 26, 8, 30)
    every5 = crontab(minute="*/5")
    assert latest_slot(every5, at(2026, 11, 25, 12, 7, 59)) == at(2026, 11, 25, 12, 5)
    assert next_slot(every5, at(2026, 11, 25, 12, 7, 59)) == at(2026, 11, 25, 12, 10)


def test_day_of_month_and_leap_day():
    monthly = crontab(minute=0, hour=1, day_of_month=31)
    assert latest_slot(monthly, at(2026, 11, 25, 0, 0)) == at(2026, 10, 31, 1, 0)
    leap = crontab(minute=0, hour=0, day_of_month=29, month_of_year=2)
    assert latest_slot(leap, at(2026, 11, 25, 0, 0)) == at(2024, 2, 29, 0, 0)
    assert next_slot(leap, at(2026, 11, 25, 0, 0)) == at(2028, 2, 29, 0, 0)


@pytest.mark.parametrize(
    "schedule",
    [
        WEEKLY,
        crontab(minute=0, hour=3, day_of_week=0),
        crontab(minute="15,45", hour="9-17"),
        crontab(minute=0, hour=6, day_of_month="1,15"),
        crontab(minute=0, hour=6, day_of_month=1, day_of_week=1),
    ],
)
def test_next_slot_agrees_with_celery_beat(schedule):
    """Celery beat's own arithmetic is the reference: a slot we claim is the one beat fires for."""
    schedule = crontab(
        minute=schedule._orig_minute,
        hour=schedule._orig_hour,
        day_of_week=schedule._orig_day_of_week,
        day_of_month=schedule._orig_day_of_month,
        month_of_year=schedule._orig_month_of_year,
        nowfun=lambda: moment,
    )
    schedule.tz = SHANGHAI  # what beat uses with CELERY_TIMEZONE = "Asia/Shanghai"
    moment = at(2026, 1, 1, 0, 0)
    for _ in range(12):
        last = latest_slot(schedule, moment)
        # Beat: after a run at `last`, the next run is due at last + remaining.
        expected = moment + schedule.remaining_estimate(last)
        assert next_slot(schedule, moment) == expected.astimezone(SHANGHAI)
        moment = expected + timedelta(minutes=1)


def test_schedules_in_words():
    with translation.override("en"):
        assert describe(WEEKLY) == "Every Saturday at 02:00"
        assert describe(crontab(minute=0, hour=3, day_of_week=0)) == "Every Sunday at 03:00"
        assert describe(crontab(minute=5, hour=1)) == "Every day at 01:05"
        assert describe(crontab(minute=0, hour=6, day_of_month=1)) == "Every month on day 1 at 06:00"
        assert describe(crontab(minute=10)) == "Every hour at minute 10"
        assert describe(crontab(minute="*/5", hour="8-18")) == "Cron: */5 8-18 * * *"
        assert describe(None) == "On demand"
