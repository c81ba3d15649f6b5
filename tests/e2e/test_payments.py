"""From quote to cash in a real browser, in zh-hans (issue 16): a manager makes a quote from the
customer's page (its PDF read back), the customer accepts it, it becomes a contract in one step; the
contract is submitted (no flow applies: it enters into force), two instalments are planned, a receipt
pays the first and part of the second, a receipt beyond the contract is refused without a reason, an
invoice is requested with the buyer's details; the supervisor (finance) marks it issued; the ageing
report shows what is open. Screenshots at 1366 and 390 width in /tmp/shots/."""

import datetime
import io
from decimal import Decimal

import pypdfium2
import pytest
from playwright.sync_api import expect

from crm.customers.models import Contract, ContractStatusRule
from crm.customers.testing import make_customer
from crm.sales.models import Invoice, InvoiceStatus
from crm.testing import make_user, screenshots

CREDIT_CODE = "91310000MA1FL8TQ5C"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_contract_to_payments_and_invoice(org, login, page, live_server):
    supervisor = make_user("sup", role="supervisor", department=org.shanghai, name="张主管")
    manager = make_user("mgr", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    customer = make_customer(manager=manager, name="上海浦江电子有限公司")
    today = datetime.date.today()
    ContractStatusRule.objects.all().delete()  # whatever an earlier test left: this contract has no signing date

    login("mgr")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_role("button", name="更多").click()
    page.get_by_role("link", name="新建报价单").click()
    form = page.get_by_test_id("quote-form")
    form.get_by_label("标题").fill("年度服务合同")
    form.get_by_label("税率").select_option(label="0%")
    line = form.get_by_test_id("quote-line").first
    line.locator("input[name$='description']").fill("年度运维服务")
    line.locator("input[name$='quantity']").fill("2")
    line.locator("input[name$='unit_price']").fill("50000")
    form.get_by_test_id("quote-save").click()
    expect(page.get_by_test_id("quote-total")).to_have_text("¥100,000.00")
    page.get_by_test_id("quote-submit").click()
    expect(page.get_by_test_id("quote-status")).to_have_text("可发送")
    pdf = page.request.get(live_server.url + page.get_by_test_id("quote-pdf").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    text = pypdfium2.PdfDocument(io.BytesIO(pdf.body()))[0].get_textpage().get_text_range()
    assert "上海浦江电子有限公司" in text and "年度运维服务" in text and "100,000.00" in text
    screenshots(page, "quote")
    page.get_by_test_id("quote-accept").click()
    page.get_by_test_id("quote-convert").click()
    expect(page.get_by_test_id("contract-title")).to_have_text("年度服务合同")
    contract = Contract.objects.get()
    page.wait_for_load_state("networkidle")
    page.get_by_test_id("contract-submit").click()
    expect(page.get_by_test_id("contract-status")).to_have_text("执行中")
    page.wait_for_load_state("networkidle")  # the page's scripts are bound before its buttons are used

    def dialog_save(fill: dict, selects: dict | None = None):
        dialog = page.get_by_test_id("dialog-form")
        for label, value in fill.items():
            dialog.get_by_label(label).fill(value)
        for label, value in (selects or {}).items():
            dialog.get_by_label(label).select_option(label=value)
        dialog.get_by_test_id("dialog-save").click()
        return dialog

    panel = page.get_by_test_id("contract-panel-payments")
    for amount, due in (("40000", today - datetime.timedelta(days=40)), ("60000", today + datetime.timedelta(days=60))):
        panel.get_by_test_id("plan-create").click()
        dialog_save({"金额（元）": amount, "计划回款日期": due.isoformat()})
        expect(panel.get_by_test_id("plan")).to_have_count(1 if amount == "40000" else 2)

    panel.get_by_test_id("receipt-create").click()
    dialog_save({"金额（元）": "55000", "回款日期": today.isoformat(), "收款账户": "招商银行 1219"})
    expect(panel.get_by_test_id("received")).to_have_text("¥55,000.00")
    expect(panel.get_by_test_id("plan").nth(1).get_by_test_id("plan-received")).to_have_text("¥15,000.00")

    panel.get_by_test_id("receipt-create").click()
    dialog = dialog_save({"金额（元）": "50000", "回款日期": today.isoformat()})
    expect(dialog.locator(".invalid-feedback")).to_contain_text("超过合同金额")
    dialog.get_by_role("button", name="关闭").click()
    expect(page.locator("#app-modal")).to_be_hidden()

    invoices = page.get_by_test_id("contract-panel-invoices")
    invoices.get_by_test_id("invoice-create").click()
    dialog_save({"金额（元）": "55000", "纳税人识别号": CREDIT_CODE, "开票项目": "技术服务费"},
                {"发票类型": "增值税普通发票", "税率": "6%"})
    expect(invoices.get_by_test_id("invoice-status")).to_have_text("已申请")
    screenshots(page, "contract-money")

    page.context.clear_cookies()
    login("sup")
    page.goto(f"{live_server.url}/customers/contracts/{contract.pk}/")
    page.wait_for_load_state("networkidle")
    invoices = page.get_by_test_id("contract-panel-invoices")
    invoices.get_by_test_id("invoice-issue").click()
    dialog_save({"发票号码": "04412345"})
    expect(invoices.get_by_test_id("invoice-status")).to_have_text("已开票")
    assert Invoice.objects.get().status == InvoiceStatus.ISSUED

    page.get_by_role("link", name="应收账龄").first.click()
    row = page.get_by_test_id("ageing-row").filter(has_text=customer.name)
    expect(row).to_contain_text("45,000.00")
    screenshots(page, "ageing")
    assert Contract.objects.get(pk=contract.pk).received_amount == Decimal("55000")
