"""Periods of sales administration: months (targets, reviews, monthly reports), quarters and years
(targets rolled up), weeks Monday to Sunday (weekly reports)."""

import calendar
import datetime
from dataclasses import dataclass

from django.utils import timezone


@dataclass(frozen=True)
class Period:
    start: datetime.date
    end: datetime.date  # inclusive

    def times(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start 00:00, the day after end 00:00) in the CRM's time zone, for timestamps."""
        zone = timezone.get_current_timezone()
        low = datetime.datetime.combine(self.start, datetime.time.min, tzinfo=zone)
        high = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
        return low, high

    def lookup(self, column: str, *, dates: bool = False) -> dict:
        if dates:
            return {f"{column}__gte": self.start, f"{column}__lte": self.end}
        low, high = self.times()
        return {f"{column}__gte": low, f"{column}__lt": high}

    def months(self) -> list[datetime.date]:
        """The first days of the months the period covers."""
        day, found = self.start.replace(day=1), []
        while day <= self.end:
            found.append(day)
            day = add_months(day, 1)
        return found


def add_months(day: datetime.date, count: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def month(day: datetime.date) -> Period:
    first = day.replace(day=1)
    return Period(first, first.replace(day=calendar.monthrange(first.year, first.month)[1]))


def quarter(day: datetime.date) -> Period:
    first = datetime.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return Period(first, add_months(first, 3) - datetime.timedelta(days=1))


def year(day: datetime.date) -> Period:
    return Period(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))


def week(day: datetime.date) -> Period:
    monday = day - datetime.timedelta(days=day.weekday())
    return Period(monday, monday + datetime.timedelta(days=6))


SPANS = {"month": month, "quarter": quarter, "year": year}


def last_completed(kind: str, today: datetime.date) -> Period:
    """The last week (Monday–Sunday) or month that has ended before today."""
    if kind == "week":
        return week(today - datetime.timedelta(days=7))
    return month(today.replace(day=1) - datetime.timedelta(days=1))
