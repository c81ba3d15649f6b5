"""Deadlines in working hours: weekends, the 2026 National Day and Mid-Autumn holidays with their
make-up working days, starts outside working hours, both directions, and the queries it costs."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from crm.workcalendar.hours import add_working_hours, is_working_day, schedule, working_hours_between
from crm.workcalendar.models import CalendarDay, DayKind, WorkingHours
from crm.workcalendar.seeding import SCHEDULES, seed_rows

pytestmark = pytest.mark.usefixtures("calendar_2026")


def at(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.get_default_timezone())


def test_the_seed_is_the_state_councils_2026_notice():
    rows = seed_rows(2026)
    assert len([r for r in rows if r[1] == "holiday"]) == 33  # 3 + 9 + 3 + 5 + 3 + 3 + 7
    workdays = {day for day, kind, _ in rows if kind == "workday"}
    assert workdays == {
        date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20), date(2026, 10, 10)
    }
    assert all(day.isoweekday() in (6, 7) for day in workdays)  # make-up days are weekend days
    assert CalendarDay.objects.filter(date__year=2026).count() == len(rows)
    assert set(SCHEDULES) == {2026}


def test_working_days():
    assert is_working_day(date(2026, 12, 4))  # a Friday
    assert not is_working_day(date(2026, 12, 5))  # a Saturday
    assert not is_working_day(date(2026, 10, 5))  # National Day, a Monday
    assert is_working_day(date(2026, 10, 10))  # make-up Saturday
    assert is_working_day(date(2026, 9, 20))  # make-up Sunday
    assert not is_working_day(date(2026, 9, 25))  # Mid-Autumn, a Friday


def test_a_deadline_across_a_weekend():
    friday = at(2026, 12, 4, 17, 0)
    assert add_working_hours(friday, 8) == at(2026, 12, 7, 17, 0)  # 1 h on Friday, 7 on Monday
    assert add_working_hours(friday, 1) == at(2026, 12, 4, 18, 0)  # ends with the day, not on Monday
    assert add_working_hours(friday, 1.5) == at(2026, 12, 7, 9, 30)
    assert add_working_hours(at(2026, 12, 4, 11, 0), 1) == at(2026, 12, 4, 12, 0)  # lunch not counted
    assert add_working_hours(at(2026, 12, 4, 11, 0), 2) == at(2026, 12, 4, 14, 0)
    assert add_working_hours(friday, 40) == at(2026, 12, 11, 17, 0)  # five working days


def test_a_deadline_across_mid_autumn_and_national_day():
    # Thursday 24 September, 17:00: Mid-Autumn closes Friday to Sunday, Monday 28 to Wednesday 30
    # are worked, then National Day closes 1–7 October; Saturday 10 October is worked.
    start = at(2026, 9, 24, 17, 0)
    assert add_working_hours(start, 1) == at(2026, 9, 24, 18, 0)
    assert add_working_hours(start, 2) == at(2026, 9, 28, 10, 0)  # not Friday 25 (中秋节)
    assert add_working_hours(start, 1 + 3 * 8) == at(2026, 9, 30, 18, 0)
    assert add_working_hours(start, 1 + 3 * 8 + 1) == at(2026, 10, 8, 10, 0)  # after 国庆节
    assert add_working_hours(start, 1 + 5 * 8) == at(2026, 10, 9, 18, 0)
    assert add_working_hours(start, 1 + 5 * 8 + 4) == at(2026, 10, 10, 14, 0)  # the make-up Saturday
    assert add_working_hours(start, 1 + 6 * 8 + 1) == at(2026, 10, 12, 10, 0)  # Sunday 11 is off


def test_the_make_up_sunday_before_mid_autumn_counts():
    saturday = at(2026, 9, 19, 10, 0)
    assert add_working_hours(saturday, 2) == at(2026, 9, 20, 11, 0)  # Sunday 20 September is worked


@pytest.mark.parametrize(
    ("start", "due"),
    [
        (at(2026, 12, 3, 20, 0), at(2026, 12, 4, 11, 0)),  # in the evening: from 9:00 next morning
        (at(2026, 12, 4, 3, 0), at(2026, 12, 4, 11, 0)),  # in the night
        (at(2026, 12, 4, 12, 30), at(2026, 12, 4, 15, 0)),  # at lunch: from 13:00
        (at(2026, 12, 5, 10, 0), at(2026, 12, 7, 11, 0)),  # on a Saturday: from Monday
        (at(2026, 10, 2, 10, 0), at(2026, 10, 8, 11, 0)),  # on a holiday: from the first day back
        (at(2026, 10, 7, 23, 59), at(2026, 10, 8, 11, 0)),
    ],
)
def test_a_start_outside_working_hours(start, due):
    assert add_working_hours(start, 2) == due


def test_zero_hours_and_other_zones():
    start = at(2026, 12, 5, 10, 0)
    assert add_working_hours(start, 0) == start
    in_utc = at(2026, 12, 4, 9, 0).astimezone(ZoneInfo("UTC"))
    due = add_working_hours(in_utc, 1)
    assert due == at(2026, 12, 4, 10, 0) and str(due.tzinfo) == "Asia/Shanghai"
    with pytest.raises(ValueError):
        add_working_hours(datetime(2026, 12, 4, 9, 0), 1)  # naive
    with pytest.raises(ValueError):
        add_working_hours(start, -1)


def test_working_hours_between_both_ways():
    a, b = at(2026, 12, 4, 17, 0), at(2026, 12, 7, 10, 30)
    assert working_hours_between(a, b) == 2.5
    assert working_hours_between(b, a) == -2.5
    assert working_hours_between(a, a) == 0
    assert working_hours_between(at(2026, 12, 4, 12, 0), at(2026, 12, 4, 13, 0)) == 0  # lunch
    assert working_hours_between(at(2026, 12, 5, 0, 0), at(2026, 12, 6, 23, 0)) == 0  # a weekend
    # the National Day week: only the make-up Saturday counts
    assert working_hours_between(at(2026, 10, 1, 0, 0), at(2026, 10, 11, 0, 0)) == 8 + 8 + 8
    start = at(2026, 9, 24, 17, 0)
    for hours in (0.25, 1, 2, 9, 25, 41, 45, 49, 300):
        assert working_hours_between(start, add_working_hours(start, hours)) == pytest.approx(hours)


def test_an_administrators_working_hours_and_days_count(calendar_2026):
    from crm.workcalendar.hours import forget_schedule

    WorkingHours.objects.create(weekdays="123456", afternoon_end=datetime(1, 1, 1, 17, 30).time())
    forget_schedule()
    assert schedule().weekdays == frozenset({1, 2, 3, 4, 5, 6})
    assert add_working_hours(at(2026, 12, 4, 17, 0), 1) == at(2026, 12, 5, 9, 30)  # Saturday worked
    CalendarDay.objects.create(date=date(2026, 12, 5), kind=DayKind.HOLIDAY, name="公司年会")
    assert add_working_hours(at(2026, 12, 4, 17, 0), 1) == at(2026, 12, 7, 9, 30)


def nth_working_day(first: date, n: int) -> date:
    """The n-th working day from `first`, counted the plain way from the seed, day by day."""
    off = {day for day, kind, _ in seed_rows(2026) if kind == "holiday"}
    on = {day for day, kind, _ in seed_rows(2026) if kind == "workday"}
    day, seen = first, 0
    while True:
        if day in on or (day.isoweekday() <= 5 and day not in off):
            seen += 1
            if seen == n:
                return day
        day += timedelta(days=1)


def test_a_deadline_months_away_reads_the_calendar_once(django_assert_num_queries, django_assert_max_num_queries):
    start = at(2026, 1, 5, 9, 0)
    schedule()  # the working hours are held in memory
    with django_assert_num_queries(1):
        due = add_working_hours(start, 8 * 150)  # 150 working days: past the Spring Festival, into August
    last = nth_working_day(date(2026, 1, 5), 150)
    assert due == at(last.year, last.month, last.day, 18, 0)
    with django_assert_num_queries(1):
        assert working_hours_between(start, due) == 8 * 150
    with django_assert_max_num_queries(2):  # years away: at most one more read
        assert add_working_hours(start, 8 * 1000) > at(2029, 1, 1, 0, 0)
