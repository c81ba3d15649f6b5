"""The contract's status flow and lines in a real browser, in zh-hans (issue 16 §3): the administrator
requires lines and a signing date before a contract is in force; the manager adds lines picking an ERP
product from the suggestions, is told what is missing, signs, puts it in force, prints it (amount in
Chinese capitals), and voids a second contract with a reason. Screenshots at 1366 and 390 width."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from crm.customers.models import Contract, ContractStatus, ContractStatusRule
from crm.customers.services.contracts import contract_create
from crm.customers.testing import make_customer
from crm.orders.testing import make_product
from crm.testing import make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_lines_rules_signing_printing_and_voiding(org, login, page, live_server):
    make_user("admin", role="admin", department=org.head, name="王管理")
    manager = make_user("mgr", role="manager", department=org.sales1, name="刘洋")
    customer = make_customer(manager=manager, name="苏州精工机械有限公司")
    make_product(name="数控车床", model_number="CK6150", external_id="ERP-CK6150", price=Decimal("128000"))
    contract = contract_create(actor=manager, customer=customer,
                               data={"title": "车床采购合同", "amount": Decimal("1")})
    ContractStatusRule.objects.all().delete()

    login("admin")
    page.goto(f"{live_server.url}/customers/settings/contracts/")
    active = page.locator("[data-testid=contract-rule][data-status=active]")
    active.get_by_label("签订日期").check()
    active.get_by_label("至少一行明细").check()
    page.get_by_test_id("rules-save").click()
    expect(page.locator(".alert-success, .toast")).to_contain_text("合同状态规则已保存")
    screenshots(page, "contract-rules")
    page.context.clear_cookies()

    login("mgr")
    page.goto(f"{live_server.url}/customers/contracts/{contract.pk}/")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("contract-lines-edit").click()
    row = page.get_by_test_id("quote-line").first
    row.get_by_test_id("line-product").press_sequentially("CK61", delay=30)
    expect(page.locator("#product-options option")).to_have_count(1)
    assert page.locator("#product-options option").first.get_attribute("value") == "ERP-CK6150"
    row.get_by_test_id("line-product").fill("ERP-CK6150")
    row.locator("input[name$='quantity']").fill("2")
    second = page.get_by_test_id("quote-line").nth(1)
    second.locator("input[name$='description']").fill("安装与培训")
    second.locator("input[name$='quantity']").fill("1")
    second.locator("input[name$='unit_price']").fill("8000")
    screenshots(page, "contract-lines-form")
    page.get_by_test_id("lines-save").click()
    expect(page.get_by_test_id("contract-amount")).to_contain_text("264,000.00")
    expect(page.get_by_test_id("contract-line")).to_have_count(2)
    page.wait_for_load_state("networkidle")

    page.get_by_test_id("contract-step-activate").click()  # no signing date yet
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog).to_contain_text("签订日期")
    page.goto(f"{live_server.url}/customers/contracts/{contract.pk}/edit/")
    page.get_by_label("签订日期").fill("2026-12-01")
    page.get_by_test_id("dialog-save").click()
    expect(page).to_have_url(re.compile(r"/customers/contracts/\d+/$"))
    page.wait_for_load_state("networkidle")
    for step, status in (("sign", "已签订"), ("activate", "执行中")):
        page.get_by_test_id(f"contract-step-{step}").click()
        page.get_by_test_id("dialog-form").get_by_test_id("dialog-save").click()
        expect(page.get_by_test_id("contract-status")).to_have_text(status)
        page.wait_for_load_state("networkidle")
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.ACTIVE
    screenshots(page, "contract-in-force")

    with page.expect_popup() as printed:
        page.get_by_test_id("contract-print").click()
    expect(printed.value.get_by_test_id("document-printable")).to_contain_text("贰拾陆万肆仟元整")

    other = contract_create(actor=manager, customer=customer, data={"title": "备件合同", "amount": Decimal("5000")})
    page.goto(f"{live_server.url}/customers/contracts/{other.pk}/")
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("contract-step-void").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_test_id("dialog-save").click()  # the reason is required
    expect(dialog.locator(".invalid-feedback, .is-invalid").first).to_be_visible()
    dialog.get_by_label("原因").fill("客户改为年度框架合同")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("contract-status")).to_have_text("已作废")
    expect(page.get_by_test_id("contract-status-reason")).to_contain_text("客户改为年度框架合同")
    screenshots(page, "contract-void")
    assert Contract.objects.get(pk=other.pk).status_reason == "客户改为年度框架合同"
