"""China's public holidays and make-up working days, as the State Council's General Office
publishes them each year (国务院办公厅关于××年部分节假日安排的通知), loaded by data migrations.

Only schedules read from the notice itself are here; docs/workcalendar.md says where each was read.
A later year is added by an administrator on the page, or here plus a data migration that calls
`seed_days` again. Idempotent: a date already in the calendar is left alone, so an administrator's
correction survives a re-run.
"""

from datetime import date, timedelta

HOLIDAY, WORKDAY = "holiday", "workday"

# (name, first day off, last day off, make-up working days)
SCHEDULES: dict[int, tuple[tuple[str, date, date, tuple[date, ...]], ...]] = {
    # 国务院办公厅关于2026年部分节假日安排的通知, 2025年11月4日 (Xinhua, 4 November 2025).
    2026: (
        ("元旦", date(2026, 1, 1), date(2026, 1, 3), (date(2026, 1, 4),)),
        ("春节", date(2026, 2, 15), date(2026, 2, 23), (date(2026, 2, 14), date(2026, 2, 28))),
        ("清明节", date(2026, 4, 4), date(2026, 4, 6), ()),
        ("劳动节", date(2026, 5, 1), date(2026, 5, 5), (date(2026, 5, 9),)),
        ("端午节", date(2026, 6, 19), date(2026, 6, 21), ()),
        ("中秋节", date(2026, 9, 25), date(2026, 9, 27), ()),
        ("国庆节", date(2026, 10, 1), date(2026, 10, 7), (date(2026, 9, 20), date(2026, 10, 10))),
    ),
}


def seed_rows(year: int) -> list[tuple[date, str, str]]:
    """(date, kind, name) for every day of a year's schedule."""
    rows = []
    for name, first, last, workdays in SCHEDULES[year]:
        day = first
        while day <= last:
            rows.append((day, HOLIDAY, name))
            day += timedelta(days=1)
        rows.extend((workday, WORKDAY, name) for workday in workdays)
    return sorted(rows)


def seed_days(model, years=None) -> int:
    """Add the schedules' days missing from the calendar; returns how many were added."""
    rows = [row for year in sorted(years or SCHEDULES) for row in seed_rows(year)]
    present = set(model.objects.filter(date__in=[day for day, _, _ in rows]).values_list("date", flat=True))
    missing = [model(date=day, kind=kind, name=name) for day, kind, name in rows if day not in present]
    model.objects.bulk_create(missing)
    return len(missing)
