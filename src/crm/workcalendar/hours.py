"""Counting in working hours: is a day worked, when is N working hours after a moment, how many
working hours lie between two moments.

A day is worked when the calendar says so (a make-up working day 调休上班), else not when the
calendar names it a holiday, else when its weekday is a working weekday (Monday–Friday by default).
A working day has two periods, 09:00–12:00 and 13:00–18:00 by default (crm.workcalendar.models.
WorkingHours); nights, the lunch break and days off do not count.

Datetimes must be aware; answers are in the project's time zone (TIME_ZONE, Asia/Shanghai), whatever
zone a request activated. Each call reads
the calendar's exceptions for the days it covers in one query (a deadline months away included:
the range is estimated from the hours asked, and read further only if the estimate falls short);
the working hours come from memory (SharedMemo, forgotten when an administrator changes them).
"""

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from crm.core.memo import SharedMemo
from crm.workcalendar.models import CalendarDay, DayKind, WorkingHours

# More than any sensible deadline: a calendar with no working day at all must not loop forever.
LONGEST = timedelta(days=366 * 5)


@dataclass(frozen=True)
class Schedule:
    periods: tuple[tuple[time, time], ...]
    weekdays: frozenset[int]  # ISO: 1 = Monday

    @property
    def day_seconds(self) -> float:
        return sum(_seconds(end) - _seconds(start) for start, end in self.periods)


def _seconds(moment: time) -> int:
    return moment.hour * 3600 + moment.minute * 60 + moment.second


def _load_schedule() -> Schedule:
    row = WorkingHours.objects.order_by("pk").first() or WorkingHours()
    return Schedule(periods=row.periods, weekdays=row.weekday_numbers)


_SCHEDULE = SharedMemo("crm:workcalendar:schedule", _load_schedule, seconds=3600)


def schedule() -> Schedule:
    return _SCHEDULE.get()


def forget_schedule() -> None:
    """Every process reads the working hours again (after an administrator changed them)."""
    _SCHEDULE.forget()


class Days:
    """Which days are worked, for a range of dates read in one query; a day outside the range read
    so far is read with the year after (or before) it, in one more query."""

    def __init__(self, first: date, last: date, schedule: Schedule):
        self.schedule = schedule
        self.first, self.last = first, last
        self.kinds = _exceptions(first, last)

    def is_working(self, day: date) -> bool:
        if day > self.last:
            self.kinds.update(_exceptions(self.last + timedelta(days=1), day + timedelta(days=366)))
            self.last = day + timedelta(days=366)
        elif day < self.first:
            self.kinds.update(_exceptions(day - timedelta(days=366), self.first - timedelta(days=1)))
            self.first = day - timedelta(days=366)
        kind = self.kinds.get(day)
        if kind == DayKind.WORKDAY:
            return True
        if kind == DayKind.HOLIDAY:
            return False
        return day.isoweekday() in self.schedule.weekdays


def _exceptions(first: date, last: date) -> dict[date, str]:
    return dict(CalendarDay.objects.filter(date__range=(first, last)).values_list("date", "kind"))


def _local(moment: datetime) -> datetime:
    if timezone.is_naive(moment):
        raise ValueError("working hours are counted between aware datetimes")
    return timezone.localtime(moment, timezone.get_default_timezone())


def _periods(day: date, periods) -> list[tuple[datetime, datetime]]:
    zone = timezone.get_default_timezone()
    return [(datetime.combine(day, start, zone), datetime.combine(day, end, zone)) for start, end in periods]


def is_working_day(day: date) -> bool:
    """Whether people work on this day (one query)."""
    return Days(day, day, schedule()).is_working(day)


def add_working_hours(start: datetime, hours: float) -> datetime:
    """The moment `hours` working hours after `start` (hours ≥ 0): a deadline. Started outside
    working hours (at night, at lunch, on a day off), the count begins with the next working
    period; a count that ends with a period ends there (12:00, not 13:00)."""
    if hours < 0:
        raise ValueError("hours must not be negative")
    start = _local(start)
    left = timedelta(hours=hours)
    if not left:
        return start
    plan = schedule()
    if plan.day_seconds <= 0:
        raise ValueError("the working day has no working hours")
    # The days to read: the working days needed, spread over the working week, plus a month for
    # holidays (the Spring Festival closes nine days). Read further only if that falls short.
    working_days = math.ceil(left.total_seconds() / plan.day_seconds) + 1
    span = math.ceil(working_days * 7 / max(len(plan.weekdays), 1)) + 31
    days = Days(start.date(), start.date() + timedelta(days=span), plan)
    day = start.date()
    while day - start.date() <= LONGEST:
        if days.is_working(day):
            for begin, end in _periods(day, plan.periods):
                begin = max(begin, start)
                if end <= begin:
                    continue
                if left <= end - begin:
                    return begin + left
                left -= end - begin
        day += timedelta(days=1)
    raise ValueError("no working time in the calendar for these hours")


def working_hours_between(a: datetime, b: datetime) -> float:
    """Working hours from `a` to `b`: time left until a deadline, or elapsed since a start;
    negative when `b` is before `a` (a deadline already passed)."""
    a, b = _local(a), _local(b)
    if b < a:
        return -working_hours_between(b, a)
    plan = schedule()
    return _between(Days(a.date(), b.date(), plan), plan, a, b)


def working_hours_until(start: datetime, moments) -> list[float | None]:
    """`working_hours_between(start, moment)` for many moments (None stays None), reading the
    calendar once for all of them: the time left on each row of a list page in one query."""
    start = _local(start)
    known = [_local(moment) for moment in moments if moment is not None]
    if not known:
        return [None for _moment in moments]
    plan = schedule()
    first, last = min([start, *known]).date(), max([start, *known]).date()
    days = Days(first, last, plan)
    answers = []
    for moment in moments:
        if moment is None:
            answers.append(None)
            continue
        a, b, sign = (start, _local(moment), 1) if moment >= start else (_local(moment), start, -1)
        answers.append(sign * _between(days, plan, a, b))
    return answers


def _between(days: Days, plan: Schedule, a: datetime, b: datetime) -> float:
    total = timedelta()
    day = a.date()
    while day <= b.date():
        if days.is_working(day):
            for begin, end in _periods(day, plan.periods):
                begin, end = max(begin, a), min(end, b)
                if end > begin:
                    total += end - begin
        day += timedelta(days=1)
    return total.total_seconds() / 3600
