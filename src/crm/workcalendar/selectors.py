"""Reads of the working calendar for its page: the days of a year and the years that have days."""

from django.db.models.functions import ExtractYear

from crm.workcalendar.models import CalendarDay, WorkingHours


def calendar_days(*, year: int) -> list[CalendarDay]:
    return list(CalendarDay.objects.filter(date__year=year).order_by("date"))


def calendar_years() -> list[int]:
    years = CalendarDay.objects.annotate(year=ExtractYear("date")).values_list("year", flat=True).distinct()
    return sorted(set(years))


def working_hours() -> WorkingHours:
    return WorkingHours.objects.order_by("pk").first() or WorkingHours()
