"""Every write to the working calendar: administrators add, change and remove days and set the
working hours. Each asks the engine, validates, and is audited in the same transaction."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict
from crm.core.services import full_clean, model_update
from crm.workcalendar.hours import forget_schedule
from crm.workcalendar.models import CalendarDay, WorkingHours
from crm.workcalendar.permissions import CALENDAR

DAY_FIELDS = ["date", "kind", "name"]
HOURS_FIELDS = ["morning_start", "morning_end", "afternoon_start", "afternoon_end", "weekdays"]


def _require(actor) -> None:
    access_for(actor).require(f"{CALENDAR}.edit")


def _taken() -> Conflict:
    message = _("This date is in the calendar already.")
    return Conflict(message, code="duplicate", fields={"date": [message]})


@transaction.atomic
def calendar_day_create(*, actor, data: dict) -> CalendarDay:
    _require(actor)
    day = CalendarDay(**{name: value for name, value in data.items() if name in DAY_FIELDS})
    if CalendarDay.objects.filter(date=day.date).exists():
        raise _taken()
    full_clean(day)
    try:
        with transaction.atomic():
            day.save()
    except IntegrityError as exc:
        raise _taken() from exc
    audit_create(actor=actor, instance=day, fields=DAY_FIELDS)
    return day


@transaction.atomic
def calendar_day_update(*, actor, day: CalendarDay, data: dict) -> CalendarDay:
    _require(actor)
    values = {name: value for name, value in data.items() if name in DAY_FIELDS}
    if "date" in values and CalendarDay.objects.filter(date=values["date"]).exclude(pk=day.pk).exists():
        raise _taken()
    try:
        with transaction.atomic():
            changes = model_update(instance=day, data=values, fields=list(values))
    except IntegrityError as exc:
        raise _taken() from exc
    audit_update(actor=actor, instance=day, changes=changes)
    return day


@transaction.atomic
def calendar_day_delete(*, actor, day: CalendarDay) -> None:
    _require(actor)
    audit_delete(actor=actor, instance=day, fields=DAY_FIELDS)
    day.delete()


@transaction.atomic
def working_hours_update(*, actor, data: dict) -> WorkingHours:
    """The working periods and the working days of the week; every process reads them again."""
    _require(actor)
    current = WorkingHours.objects.select_for_update().get(pk=WorkingHours.current().pk)
    values = {name: value for name, value in data.items() if name in HOURS_FIELDS}
    changes = model_update(instance=current, data=values, fields=list(values))
    audit_update(actor=actor, instance=current, changes=changes)
    if changes:
        transaction.on_commit(forget_schedule)
    return current
