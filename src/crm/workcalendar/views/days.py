"""The working calendar's page under System (系统 → 工作日历), for administrators: the year's
holidays and make-up working days, added, changed and removed in dialogs; the working hours."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.views.flows import dialog, go
from crm.workcalendar import selectors, services
from crm.workcalendar.forms import CalendarDayForm, WorkingHoursForm
from crm.workcalendar.models import CalendarDay, DayKind, WorkingHours
from crm.workcalendar.permissions import CALENDAR

EDIT = f"{CALENDAR}.edit"


def _year_url(year: int) -> str:
    return f"{reverse('workcalendar:days')}?year={year}"


def _year(request) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 1900 <= year <= 9999 else timezone.localdate().year


@crm_view(EDIT)
def day_list(request):
    year = _year(request)
    this_year = timezone.localdate().year
    days = selectors.calendar_days(year=year)
    context = {
        "year": year,
        "years": sorted({*selectors.calendar_years(), this_year, this_year + 1, year}),
        "days": days,
        "holidays": sum(1 for day in days if day.kind == DayKind.HOLIDAY),
        "workdays": sum(1 for day in days if day.kind == DayKind.WORKDAY),
        "hours": selectors.working_hours(),
    }
    return render(request, "workcalendar/days.html", context)


@crm_view(EDIT, methods=("GET", "POST"))
def day_create(request):
    form = CalendarDayForm(request.POST or None, initial={"date": request.GET.get("date") or None})
    return dialog(
        request,
        form=form,
        save=lambda: services.calendar_day_create(actor=request.user, data=form.service_data()),
        success=lambda day: _("%(date)s %(name)s added.") % {"date": f"{day.date:%Y-%m-%d}", "name": day.name},
        next_url=lambda day: _year_url(day.date.year),
        title=_("Add a day"),
        intro=_("A holiday is a working weekday that is off; a make-up working day is a weekend day that is worked."),
        leave=True,
    )


@crm_view(EDIT, methods=("GET", "POST"))
def day_edit(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    form = CalendarDayForm(request.POST or None, instance=day)
    return dialog(
        request,
        form=form,
        save=lambda: services.calendar_day_update(actor=request.user, day=day, data=form.service_data()),
        success=_("Saved."),
        next_url=lambda day: _year_url(day.date.year),
        title=_("Edit %(date)s") % {"date": f"{day.date:%Y-%m-%d}"},
        leave=True,
    )


@crm_view(EDIT, methods=("POST",))
def day_delete(request, pk):
    day = get_object_or_404(CalendarDay, pk=pk)
    services.calendar_day_delete(actor=request.user, day=day)
    messages.success(request, _("%(date)s %(name)s removed.") % {"date": f"{day.date:%Y-%m-%d}", "name": day.name})
    return go(request, _year_url(day.date.year))


@crm_view(EDIT, methods=("GET", "POST"))
def hours_edit(request):
    form = WorkingHoursForm(request.POST or None, instance=WorkingHours.current())
    return dialog(
        request,
        form=form,
        save=lambda: services.working_hours_update(actor=request.user, data=form.service_data()),
        success=_("Saved."),
        next_url=reverse("workcalendar:days"),
        title=_("Working hours"),
        intro=_("Deadlines count only these hours of working days."),
        leave=True,
    )
