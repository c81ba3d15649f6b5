"""Sales opportunities in a real browser, in zh-hans (s003/5 §3.1, OPP-1…OPP-8): a supervisor
creates an opportunity and assigns it; the account manager plans the development, records the
results and ends it as developed successfully; the customer then exists once, with its contact.
The creator deletes an unassigned one after confirming. Screenshots at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from crm.customers.models import Contact, Customer
from crm.opportunities.models import Opportunity, OpportunityStatus
from crm.testing import make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_development_of_an_opportunity_from_creation_to_a_customer(org, login, page, live_server):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)

    login("supervisor")
    page.goto(f"{live_server.url}/opportunities/")
    page.get_by_test_id("opportunity-create").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("编号、创建人和创建时间在保存时由系统自动填入")
    dialog.get_by_label("机会来源").fill("展会")
    dialog.get_by_label("客户名称").fill("杭州云栖数据科技有限公司")
    dialog.get_by_label("成功机率").fill("160")
    dialog.get_by_label("概要").fill("数据中心运维平台")
    dialog.get_by_label("联系人", exact=True).fill("陈晓")
    dialog.get_by_label("联系人电话").fill("139 0651 0001")
    dialog.get_by_label("机会描述").fill("展会上留下名片，预算约 30 万。")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog.locator(".invalid-feedback")).to_have_count(1)  # the probability; nothing saved
    assert not Opportunity.objects.exists()
    dialog.get_by_label("成功机率").fill("60")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("opportunity-title")).to_have_text("杭州云栖数据科技有限公司")
    expect(page.get_by_test_id("opportunity-status")).to_have_text("未指派")
    opportunity = Opportunity.objects.get()

    page.get_by_test_id("opportunity-assign").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("客户经理").select_option(label="刘洋 · 销售一部")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("opportunity-owner")).to_have_text("刘洋")
    expect(page.get_by_test_id("opportunity-status")).to_have_text("开发中")

    page.context.clear_cookies()
    login("manager")
    page.get_by_role("link", name="客户开发计划").click()
    page.get_by_test_id("opportunity-row").get_by_role("link").first.click()
    for date, content in (("2026-12-08", "电话沟通需求"), ("2026-12-15", "上门演示产品")):
        page.get_by_test_id("plan-add").click()
        dialog = page.get_by_test_id("dialog-form")
        dialog.get_by_label("日期").fill(date)
        dialog.get_by_label("计划内容").fill(content)
        dialog.get_by_test_id("dialog-save").click()
        expect(page.get_by_test_id("plan-content").filter(has_text=content)).to_be_visible()
    first = page.get_by_test_id("plan-item").first
    first.get_by_test_id("plan-edit").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog.get_by_label("日期")).to_be_disabled()  # a planned step keeps its date
    dialog.get_by_label("计划内容").fill("电话沟通需求与预算")
    dialog.get_by_test_id("dialog-save").click()
    expect(first.get_by_test_id("plan-content")).to_have_text("电话沟通需求与预算")
    first.get_by_test_id("plan-result").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("执行效果").fill("客户确认预算 30 万，约下周演示")
    dialog.get_by_test_id("dialog-save").click()
    expect(first.get_by_test_id("plan-result-text")).to_contain_text("客户确认预算 30 万")
    screenshots(page, "opportunity-detail")

    page.get_by_test_id("opportunity-succeed").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("将根据客户名称、联系人和联系人电话自动创建客户")
    dialog.get_by_label("地区").select_option(index=1)
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("opportunity-status")).to_have_text("开发成功")
    customer = Customer.objects.get(name="杭州云栖数据科技有限公司")
    assert Contact.objects.filter(customer=customer).values_list("name", "mobile").get() == ("陈晓", "139 0651 0001")
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.WON and opportunity.customer == customer
    page.get_by_test_id("opportunity-customer").click()
    expect(page.locator("h1")).to_contain_text("杭州云栖数据科技有限公司")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_creator_deletes_an_unassigned_opportunity_after_confirming(org, login, page, live_server):
    make_user("manager", role="manager", department=org.sales1, name="刘洋")
    login("manager")
    page.goto(f"{live_server.url}/opportunities/")
    page.get_by_test_id("opportunity-create").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("客户名称").fill("苏州工业园区精密机械厂")
    dialog.get_by_label("成功机率").fill("30")
    dialog.get_by_label("概要").fill("车间设备管理")
    dialog.get_by_label("机会描述").fill("官网咨询")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("opportunity-status")).to_have_text("未指派")
    page.goto(f"{live_server.url}/opportunities/")
    expect(page.get_by_test_id("opportunity-row")).to_have_count(1)
    screenshots(page, "opportunity-list")
    page.get_by_test_id("opportunity-row").get_by_role("link").first.click()
    page.once("dialog", lambda prompt: prompt.dismiss())
    page.get_by_test_id("opportunity-delete").click()
    assert Opportunity.objects.count() == 1  # not confirmed: kept
    page.once("dialog", lambda prompt: prompt.accept())
    page.get_by_test_id("opportunity-delete").click()
    expect(page.locator("#messages, .alert").first).to_contain_text("删除成功")
    assert not Opportunity.objects.exists()
