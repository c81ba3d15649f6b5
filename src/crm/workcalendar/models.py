"""The calendar's exceptions to the working week, and the working hours (one row)."""

from datetime import time

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _

from crm.core.models import TimeStampedModel

# Django's own weekday names (and their translations): 1 = Monday, as isoweekday().
WEEKDAY_CHOICES = [(str(number + 1), name) for number, name in WEEKDAYS.items()]


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")  # a day of the working week that is off
    WORKDAY = "workday", _("Make-up working day")  # a day off of the week that is worked (调休上班)


class CalendarDay(TimeStampedModel):
    """A day that does not follow the working week: a public holiday, or a weekend day worked."""

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices, default=DayKind.HOLIDAY)
    name = models.CharField(_("name"), max_length=40, help_text=_("For example 国庆节."))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.name}"


class WorkingHours(models.Model):
    """One row: the working week and the two working periods of a working day (morning and
    afternoon, the lunch break between). Times are local (Asia/Shanghai, TIME_ZONE)."""

    morning_start = models.TimeField(_("morning starts"), default=time(9, 0))
    morning_end = models.TimeField(_("morning ends"), default=time(12, 0))
    afternoon_start = models.TimeField(_("afternoon starts"), default=time(13, 0))
    afternoon_end = models.TimeField(_("afternoon ends"), default=time(18, 0))
    weekdays = models.CharField(
        _("working days of the week"), max_length=7, default="12345", help_text=_("ISO weekdays, 1 = Monday.")
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("working hours")
        verbose_name_plural = _("working hours")

    def __str__(self) -> str:
        return ", ".join(f"{start:%H:%M}–{end:%H:%M}" for start, end in self.periods)

    @classmethod
    def current(cls) -> "WorkingHours":
        return cls.objects.order_by("pk").first() or cls.objects.create()

    def clean(self) -> None:
        errors = {}
        if not (self.morning_start < self.morning_end <= self.afternoon_start < self.afternoon_end):
            errors["afternoon_end"] = [
                _("The times must follow each other: morning start, morning end, afternoon start, afternoon end.")
            ]
        days = str(self.weekdays or "")
        if not days or any(day not in "1234567" for day in days) or len(set(days)) != len(days):
            errors["weekdays"] = [_("Choose at least one working day of the week.")]
        if errors:
            raise ValidationError(errors)

    @property
    def periods(self) -> tuple[tuple[time, time], ...]:
        return ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))

    @property
    def weekday_numbers(self) -> frozenset[int]:
        return frozenset(int(day) for day in self.weekdays)

    def get_weekdays_display(self) -> str:
        labels = dict(WEEKDAY_CHOICES)
        return "、".join(str(labels[day]) for day in sorted(self.weekdays))
