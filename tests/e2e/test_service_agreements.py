"""Service agreements in a real browser, in zh-hans (SRV-6): an administrator opens 系统 → 服务协议,
adds an agreement for complaints through the dialog; a complaint created afterwards shows its
deadlines and the working hours left on its page and in 服务处理. A manager has no such menu entry
and gets 403. Screenshots at desktop and phone width (/tmp/shots/service-sla-*.png)."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from crm.customers.testing import make_customer
from crm.service import services
from crm.service.models import ServiceAgreement
from crm.service.tests.conftest import data
from crm.testing import make_user, screenshots
from crm.workcalendar.models import CalendarDay
from crm.workcalendar.seeding import seed_days


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrator_adds_an_agreement_and_a_new_service_shows_its_time_left(
    org, admin_user, login, page, live_server
):
    seed_days(CalendarDay, years=[2026])  # the data migration's rows (a transactional test flushes them)
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    customer = make_customer(manager=manager, name="上海浦江电子有限公司")

    login("admin1")
    page.locator("#sidebar").get_by_role("link", name="服务协议").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("服务协议")
    expect(page.get_by_test_id("no-agreements")).to_be_visible()
    page.get_by_test_id("agreement-create").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_be_visible()
    dialog.get_by_label("服务类型").select_option(label="投诉")
    dialog.get_by_label("响应时限（工作小时）").fill("4")
    dialog.get_by_label("解决时限（工作小时）").fill("16")
    dialog.get_by_label("提前提醒（工作小时）").fill("2")
    screenshots(page, "service-sla-dialog")
    page.get_by_test_id("dialog-save").click()
    page.wait_for_load_state("networkidle")
    row = page.get_by_test_id("agreement-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("投诉")
    expect(row).to_contain_text("任何等级")
    expect(row).to_contain_text("16 小时")
    agreement = ServiceAgreement.objects.get()
    assert (agreement.response_hours, agreement.resolution_hours) == (Decimal(4), Decimal(16))
    screenshots(page, "service-sla-agreements")

    service = services.service_create(actor=manager, customer=customer, data=data())
    services.service_assign(actor=supervisor, service=service, assignee=manager)
    assert service.resolution_due is not None

    page.context.clear_cookies()
    login("manager")
    page.goto(f"{live_server.url}/services/{service.pk}/")
    deadline = page.get_by_role("heading", level=1).get_by_test_id("service-deadline")
    expect(deadline).to_contain_text("工作小时")
    expect(page.get_by_test_id("service-resolution-due")).to_be_visible()
    expect(page.get_by_test_id("service-response-due")).to_contain_text("按时完成")
    screenshots(page, "service-sla-detail")
    page.get_by_role("link", name="服务处理").click()
    expect(page.get_by_test_id("service-row").filter(has_text=service.number)).to_contain_text("工作小时")
    screenshots(page, "service-sla-handle")

    assert page.goto(f"{live_server.url}/services/agreements/").status == 403
    expect(page.locator("#sidebar").get_by_role("link", name="服务协议")).to_have_count(0)
