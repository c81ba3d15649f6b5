"""Crontab arithmetic shared by the embedded scheduler, the Celery beat task and the pages.

Schedules are `celery.schedules.crontab` objects, read in CELERY_TIMEZONE (Asia/Shanghai) like
Celery beat reads them. A "slot" is one moment a schedule names (Saturday 02:00). Both the
embedded scheduler and the beat task claim the *latest* slot, so they agree on its identity and
the JobRun (job, scheduled_for) constraint lets only one of them run it.
"""

from datetime import date, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo

from celery.schedules import crontab
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

# How far to look for a matching day: eight years cover "29 February".
_MAX_DAYS = 366 * 8


def schedule_timezone() -> tzinfo:
    return ZoneInfo(getattr(settings, "CELERY_TIMEZONE", None) or settings.TIME_ZONE)


def _day_matches(schedule: crontab, day: date) -> bool:
    # Celery combines day_of_month and day_of_week with AND; crontab counts Sunday as 0.
    return (
        day.month in schedule.month_of_year
        and day.day in schedule.day_of_month
        and day.isoweekday() % 7 in schedule.day_of_week
    )


def latest_slot(schedule: crontab, now: datetime, tz: tzinfo | None = None) -> datetime | None:
    """The last moment at or before `now` that the schedule names (aware, in `tz`)."""
    tz = tz or schedule_timezone()
    local = now.astimezone(tz)
    today = local.date()
    hours = sorted(schedule.hour, reverse=True)
    minutes = sorted(schedule.minute, reverse=True)
    for offset in range(_MAX_DAYS):
        day = today - timedelta(days=offset)
        if not _day_matches(schedule, day):
            continue
        for hour in hours:
            for minute in minutes:
                if offset == 0 and (hour, minute) > (local.hour, local.minute):
                    continue
                return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    return None


def next_slot(schedule: crontab, now: datetime, tz: tzinfo | None = None) -> datetime | None:
    """The first moment strictly after `now` (to the minute) that the schedule names."""
    tz = tz or schedule_timezone()
    local = now.astimezone(tz)
    today = local.date()
    hours = sorted(schedule.hour)
    minutes = sorted(schedule.minute)
    for offset in range(_MAX_DAYS):
        day = today + timedelta(days=offset)
        if not _day_matches(schedule, day):
            continue
        for hour in hours:
            for minute in minutes:
                if offset == 0 and (hour, minute) <= (local.hour, local.minute):
                    continue
                return datetime(day.year, day.month, day.day, hour, minute, tzinfo=tz)
    return None


def due_slot(schedule: crontab, now: datetime, grace: timedelta, tz: tzinfo | None = None) -> datetime | None:
    """The slot to run now: the latest one, unless it is older than the grace period."""
    slot = latest_slot(schedule, now, tz)
    if slot is None or now - slot > grace:
        return None
    return slot


def _weekday_names() -> list[str]:
    # Sunday first, as crontab counts.
    return [
        pgettext("schedule", "Sunday"),
        pgettext("schedule", "Monday"),
        pgettext("schedule", "Tuesday"),
        pgettext("schedule", "Wednesday"),
        pgettext("schedule", "Thursday"),
        pgettext("schedule", "Friday"),
        pgettext("schedule", "Saturday"),
    ]


def cron_expression(schedule: crontab) -> str:
    """The five crontab fields as written ("0 2 * * 6")."""
    return " ".join(
        str(part)
        for part in (
            schedule._orig_minute,
            schedule._orig_hour,
            schedule._orig_day_of_month,
            schedule._orig_month_of_year,
            schedule._orig_day_of_week,
        )
    )


def describe(schedule: crontab | None) -> str:
    """A schedule in words: "Every Saturday at 02:00" (每周六 02:00), else its crontab text."""
    if schedule is None:
        return _("On demand")
    every_day = len(schedule.day_of_week) == 7 and len(schedule.day_of_month) == 31
    every_month = len(schedule.month_of_year) == 12
    if len(schedule.minute) == 1 and len(schedule.hour) == 1 and every_month:
        time = f"{next(iter(schedule.hour)):02d}:{next(iter(schedule.minute)):02d}"
        if every_day:
            return _("Every day at %(time)s") % {"time": time}
        if len(schedule.day_of_month) == 31 and len(schedule.day_of_week) == 1:
            weekday = _weekday_names()[next(iter(schedule.day_of_week))]
            return _("Every %(weekday)s at %(time)s") % {"weekday": weekday, "time": time}
        if len(schedule.day_of_week) == 7 and len(schedule.day_of_month) == 1:
            day = next(iter(schedule.day_of_month))
            return _("Every month on day %(day)s at %(time)s") % {"day": day, "time": time}
    if len(schedule.minute) == 1 and len(schedule.hour) == 24 and every_day and every_month:
        return _("Every hour at minute %(minute)s") % {"minute": next(iter(schedule.minute))}
    return _("Cron: %(expression)s") % {"expression": cron_expression(schedule)}
