"""The working calendar in a real browser, in zh-hans: an administrator opens 系统 → 工作日历, sees
2026's National Day with its make-up Saturday, adds 2027's New Year's Day as a holiday through the
dialog, changes the working hours; a manager has no such menu entry and gets 403. Screenshots at
desktop and phone width (/tmp/shots/workcalendar-*.png)."""

from datetime import date, time

import pytest
from playwright.sync_api import expect

from crm.testing import make_user, screenshots
from crm.workcalendar.models import CalendarDay, WorkingHours
from crm.workcalendar.seeding import seed_days


def _dialog(page):
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_be_visible()
    return dialog


def _save(page):
    page.get_by_test_id("dialog-save").click()
    page.wait_for_load_state("networkidle")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_adds_a_holiday(org, admin_user, login, page, live_server):
    seed_days(CalendarDay, years=[2026])  # the data migration's rows (a transactional test flushes them)
    login("admin1")
    page.locator("#sidebar").get_by_role("link", name="工作日历").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("工作日历")

    page.get_by_test_id("year-tabs").get_by_role("link", name="2026").click()
    national_day = page.locator('[data-testid="day-row"][data-date="2026-10-01"]')
    expect(national_day).to_contain_text("国庆节")
    expect(national_day).to_contain_text("节假日")
    expect(page.locator('[data-testid="day-row"][data-date="2026-10-10"]')).to_contain_text("调休上班")
    expect(page.get_by_test_id("calendar-days")).to_contain_text("2026 年：放假 33 天，调休上班 6 天")
    screenshots(page, "workcalendar")

    page.get_by_test_id("year-tabs").get_by_role("link", name="2027").click()
    expect(page.get_by_test_id("no-days")).to_be_visible()
    page.get_by_test_id("day-create").click()
    dialog = _dialog(page)
    dialog.get_by_label("日期").fill("2027-01-01")
    dialog.get_by_label("类型").select_option(label="节假日")
    dialog.get_by_label("名称").fill("元旦")
    _save(page)
    row = page.locator('[data-testid="day-row"][data-date="2027-01-01"]')
    expect(row).to_contain_text("元旦")
    expect(row).to_contain_text("星期五")
    expect(page.get_by_text("已添加 2027-01-01 元旦。")).to_be_visible()
    day = CalendarDay.objects.get(date=date(2027, 1, 1))
    assert (day.kind, day.name) == ("holiday", "元旦")

    page.get_by_test_id("day-create").click()  # the same date again: said in the dialog, nothing saved
    dialog = _dialog(page)
    dialog.get_by_label("日期").fill("2027-01-01")
    dialog.get_by_label("名称").fill("重复")
    page.get_by_test_id("dialog-save").click()
    expect(dialog).to_contain_text("该日期已在工作日历中")
    dialog.get_by_role("button", name="取消").click()
    expect(page.locator("#app-modal")).to_be_hidden()
    assert CalendarDay.objects.filter(date=date(2027, 1, 1)).count() == 1

    page.get_by_test_id("hours-edit").click()
    dialog = _dialog(page)
    dialog.get_by_label("下午下班").fill("17:30")
    screenshots(page, "workcalendar-hours")
    _save(page)
    expect(page.get_by_test_id("working-hours")).to_contain_text("13:00–17:30")
    assert WorkingHours.objects.get().afternoon_end == time(17, 30)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_has_no_working_calendar(org, login, page, live_server):
    make_user("mgr", role="manager", department=org.sales1)
    login("mgr")
    expect(page.locator("#sidebar").get_by_role("link", name="工作日历")).to_have_count(0)
    response = page.goto(f"{live_server.url}/calendar/")
    assert response.status == 403
