"""The working calendar's page and services: administrators only (403 for everyone else, and a
refused write changes nothing), days added, changed and removed in dialogs, audited; the working
hours; the page's queries do not grow with the year's days."""

from datetime import date, time

import pytest
from django.urls import reverse

from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.workcalendar import services
from crm.workcalendar.hours import schedule
from crm.workcalendar.models import CalendarDay, DayKind, WorkingHours

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def manager(make_user, org):
    return make_user("mgr", role="manager", department=org.sales1)


@pytest.fixture
def executive(make_user, org):
    return make_user("boss", role="executive", department=org.head)


def test_only_administrators_open_the_page(client, admin_user, manager, executive):
    urls = [
        reverse("workcalendar:days"),
        reverse("workcalendar:day_create"),
        reverse("workcalendar:hours"),
    ]
    for user in (manager, executive):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403, (user, url)
        assert client.post(reverse("workcalendar:day_create"), {"date": "2027-01-01", "kind": "holiday",
                                                                "name": "元旦"}).status_code == 403
    assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()
    client.force_login(admin_user)
    for url in urls:
        assert client.get(url).status_code == 200, url
    shell = client.get(reverse("workcalendar:days")).content.decode()
    assert reverse("workcalendar:days") in shell  # the menu entry under System


def test_services_refuse_others_and_change_nothing(manager, calendar_2026):
    before = CalendarDay.objects.count()
    day = CalendarDay.objects.get(date=date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        services.calendar_day_create(actor=manager, data={"date": date(2027, 1, 1), "kind": "holiday", "name": "元旦"})
    with pytest.raises(PermissionDenied):
        services.calendar_day_update(actor=manager, day=day, data={"name": "改名"})
    with pytest.raises(PermissionDenied):
        services.calendar_day_delete(actor=manager, day=day)
    with pytest.raises(PermissionDenied):
        services.working_hours_update(actor=manager, data={"weekdays": "1234567"})
    assert CalendarDay.objects.count() == before
    assert CalendarDay.objects.get(date=date(2026, 10, 1)).name == "国庆节"
    assert not WorkingHours.objects.filter(weekdays="1234567").exists()


def test_the_year_lists_its_days_in_a_fixed_number_of_queries(client, admin_user, calendar_2026,
                                                              django_assert_max_num_queries):
    client.force_login(admin_user)
    page = client.get(reverse("workcalendar:days"), {"year": 2026}).content.decode()
    assert "2026-10-01" in page and "国庆节" in page and "2026-10-10" in page
    assert client.get(reverse("workcalendar:days"), {"year": "abc"}).status_code == 200
    with django_assert_max_num_queries(12) as one_year:
        client.get(reverse("workcalendar:days"), {"year": 2026})
    CalendarDay.objects.bulk_create(
        CalendarDay(date=date(2026, 12, d), kind=DayKind.HOLIDAY, name="公司假期") for d in range(1, 31)
    )
    with django_assert_max_num_queries(len(one_year.captured_queries)):
        client.get(reverse("workcalendar:days"), {"year": 2026})


def test_add_edit_and_remove_a_day_through_dialogs(client, admin_user):
    client.force_login(admin_user)
    response = client.post(
        reverse("workcalendar:day_create"), {"date": "2027-01-01", "kind": "holiday", "name": "元旦"}, **HTMX
    )
    assert response.status_code == 204 and response.headers["HX-Redirect"] == "/calendar/?year=2027"
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert (day.kind, day.name) == ("holiday", "元旦")
    assert AuditEvent.objects.for_object(day).filter(action="create").exists()

    again = client.post(
        reverse("workcalendar:day_create"), {"date": "2027-01-01", "kind": "workday", "name": "重复"}, **HTMX
    )
    assert again.status_code == 200 and "HX-Redirect" not in again.headers
    assert CalendarDay.objects.filter(date=date(2027, 1, 1)).count() == 1

    bad = client.post(reverse("workcalendar:day_create"), {"date": "", "kind": "holiday", "name": ""})
    assert bad.status_code == 400

    client.post(
        reverse("workcalendar:day_edit", args=[day.pk]), {"date": "2027-01-01", "kind": "holiday", "name": "元旦节"},
        **HTMX,
    )
    day.refresh_from_db()
    assert day.name == "元旦节"
    assert AuditEvent.objects.for_object(day).filter(action="update").exists()

    response = client.post(reverse("workcalendar:day_delete", args=[day.pk]))
    assert response.status_code == 302 and response.url == "/calendar/?year=2027"
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    assert client.get(reverse("workcalendar:day_delete", args=[day.pk])).status_code == 405


def test_a_date_taken_twice_is_refused(admin_user, calendar_2026):
    with pytest.raises(Conflict):
        services.calendar_day_create(actor=admin_user, data={"date": date(2026, 10, 1), "kind": "holiday", "name": "x"})
    day = CalendarDay.objects.get(date=date(2026, 10, 2))
    with pytest.raises(Conflict):
        services.calendar_day_update(actor=admin_user, day=day, data={"date": date(2026, 10, 1)})


def test_working_hours_are_edited_and_counted_at_once(client, admin_user, django_capture_on_commit_callbacks):
    client.force_login(admin_user)
    assert schedule().weekdays == frozenset({1, 2, 3, 4, 5})
    form = {
        "morning_start": "08:30", "morning_end": "12:00", "afternoon_start": "13:30", "afternoon_end": "17:30",
        "weekdays": ["1", "2", "3", "4", "5", "6"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("workcalendar:hours"), form, **HTMX)
    assert response.status_code == 204 and "HX-Redirect" in response.headers
    assert schedule().weekdays == frozenset({1, 2, 3, 4, 5, 6})  # every process reads them again
    assert schedule().periods == ((time(8, 30), time(12, 0)), (time(13, 30), time(17, 30)))
    hours = WorkingHours.objects.get()
    assert (hours.morning_start, hours.afternoon_end, hours.weekdays) == (time(8, 30), time(17, 30), "123456")
    assert AuditEvent.objects.for_object(hours).filter(action="update").exists()
    page = client.get(reverse("workcalendar:days")).content.decode()
    assert "08:30" in page and "17:30" in page

    wrong = client.post(reverse("workcalendar:hours"), {**form, "afternoon_start": "11:00"}, **HTMX)
    assert "HX-Redirect" not in wrong.headers
    assert WorkingHours.objects.get().afternoon_start == time(13, 30)
    with pytest.raises(ValidationFailed):
        services.working_hours_update(actor=admin_user, data={"weekdays": ""})
