"""Leads in a real browser, in zh-hans (OPP-13): a visitor leaves details on the public web form;
the lead waits in the lead pool; a salesperson claims it, follows up and converts it into a
customer with its contact and an opportunity. Screenshots at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from crm.customers.models import Contact, Customer
from crm.leads.models import Lead, LeadStatus
from crm.opportunities.models import Opportunity
from crm.testing import make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_from_the_web_form_through_the_pool_to_a_customer(org, login, page, live_server):
    make_user("manager", role="manager", department=org.sales1, name="刘洋")

    page.goto(f"{live_server.url}/leads/web-form/")
    form = page.get_by_test_id("web-form")
    form.get_by_label("公司名称").fill("南京江北新区智能制造有限公司")
    form.get_by_label("您的姓名").fill("吕萍")
    form.get_by_label("手机").fill("139 5177 0001")
    form.get_by_label("您的需求").fill("想试用客户管理系统")
    screenshots(page, "lead-web-form")
    page.wait_for_timeout(3100)  # a person takes longer than the form's minimum time
    page.get_by_test_id("web-form-submit").click()
    expect(page.get_by_test_id("web-form-thanks")).to_contain_text("谢谢")
    lead = Lead.objects.get()
    assert lead.owner is None and lead.mobile == "139 5177 0001"

    login("manager")
    page.get_by_role("link", name="线索池").click()
    row = page.get_by_test_id("lead-row").filter(has_text="南京江北新区智能制造")
    screenshots(page, "lead-pool")
    row.get_by_test_id("lead-claim").click()
    expect(page.get_by_test_id("lead-owner")).to_have_text("刘洋")

    page.get_by_test_id("lead-follow-up").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("内容").fill("电话沟通，约下周演示")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("跟进中")

    page.get_by_test_id("lead-convert").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("将新建客户 南京江北新区智能制造有限公司")
    dialog.get_by_label("地区").select_option(index=1)
    dialog.get_by_label("销售机会概要").fill("智能制造 CRM 试用")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("lead-status")).to_have_text("已转化")
    screenshots(page, "lead-converted")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED
    customer = Customer.objects.get(name="南京江北新区智能制造有限公司")
    assert customer.manager.username == "manager"
    assert Contact.objects.get(customer=customer).name == "吕萍"
    assert Opportunity.objects.get(pk=lead.opportunity_id).customer == customer
    page.get_by_test_id("lead-opportunity").click()
    expect(page.get_by_test_id("opportunity-title")).to_have_text("南京江北新区智能制造有限公司")
