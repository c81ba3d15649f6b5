"""Periods of the sales reports: a range of days in the installation's zone (Asia/Shanghai), and
the datetime bounds a timestamp column is compared with, so "2026-12-01" means the Chinese day
whatever the database's zone. The range is inclusive of both days, as people say it."""

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

# The longest period a report reads: twenty years of days keeps a daily chart and the export sane.
MAX_DAYS = 366 * 20


@dataclass(frozen=True)
class Period:
    start: datetime.date  # first day, inclusive
    end: datetime.date  # last day, inclusive

    @property
    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00, the day after end 00:00) in the current zone, for timestamp columns."""
        zone = timezone.get_current_timezone()
        after = self.end + datetime.timedelta(days=1)
        return (
            datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone),
            datetime.datetime.combine(after, datetime.time.min, tzinfo=zone),
        )

    def lookup(self, field: str, *, dates: bool = False) -> dict:
        """Filter keyword arguments putting `field` inside the period (a date or a timestamp column)."""
        if dates:
            return {f"{field}__gte": self.start, f"{field}__lte": self.end}
        start, end = self.times
        return {f"{field}__gte": start, f"{field}__lt": end}

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        end = self.start - datetime.timedelta(days=1)
        return Period(end - datetime.timedelta(days=self.days - 1), end)


def this_month(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today.replace(day=1), month_end(today))


def month_end(day: datetime.date) -> datetime.date:
    return add_months(day, 1) - datetime.timedelta(days=1)


def add_months(day: datetime.date, count: int) -> datetime.date:
    """The first day of the month `count` months after (or before, if negative) `day`'s."""
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class Compared:
    """A period up to today (today, this week, month or year) and the same stretch of the one
    before it: this month's first 4 days against last month's first 4 (a whole month against a
    few days would always look like a fall)."""

    key: str
    current: Period
    previous: Period


def dashboard_periods(today: datetime.date | None = None) -> list[Compared]:
    today = today or timezone.localdate()
    one = datetime.timedelta(days=1)
    week = today - datetime.timedelta(days=today.weekday())  # Monday, as in China
    month = today.replace(day=1)
    last_month = add_months(month, -1)
    year = today.replace(month=1, day=1)
    last_year = year.replace(year=year.year - 1)
    return [
        Compared("today", Period(today, today), Period(today - one, today - one)),
        Compared("week", Period(week, today), Period(week - 7 * one, today - 7 * one)),
        Compared("month", Period(month, today), Period(last_month, min(last_month + (today - month), month - one))),
        Compared("year", Period(year, today), Period(last_year, min(last_year + (today - year), year - one))),
    ]


def period_error(start: datetime.date | None, end: datetime.date | None, *, first_year: int, last_year: int):
    """What is wrong with a period asked for (a message and the field it is about), or None. Pages
    and the API check the same: days out of the CRM's years, the end before the start, too long."""
    for name, day in (("date_from", start), ("date_to", end)):
        if day is not None and not first_year <= day.year <= last_year:
            bounds = {"first": first_year, "last": last_year}
            return name, _("Enter a date from the year %(first)d to %(last)d.") % bounds
    if start and end and start > end:
        return "date_to", _("The end date is before the start date.")
    if start and end and (end - start).days >= MAX_DAYS:
        return "date_to", _("Choose a period of at most 20 years.")
    return None


def period_of(start: datetime.date | None, end: datetime.date | None, default: Period) -> Period:
    """The period meant by the dates given: both, one (the rest of its month), or neither (`default`)."""
    if start is None and end is None:
        return default
    if start is None:
        start = end.replace(day=1)
    if end is None:
        end = max(start, month_end(start))
    return Period(start, end)


def this_year(today: datetime.date | None = None) -> Period:
    today = today or timezone.localdate()
    return Period(today.replace(month=1, day=1), today.replace(month=12, day=31))
