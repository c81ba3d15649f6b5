"""Contracts (CUS-16) and attachments (CUS-12) in a real browser, in zh-hans: a manager creates a
contract from a customer's 360 page, uploads a PDF to it and downloads it with its Chinese name;
the contract list filters and sorts; screenshots of the list and the detail at desktop and phone."""

import datetime
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from playwright.sync_api import expect

from crm.customers.models import Attachment, Contract
from crm.customers.services.contracts import contract_create
from crm.customers.testing import make_customer
from crm.testing import make_user

SHOTS = Path("/tmp/shots")


def zh(text: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(text)


def tiny_pdf() -> bytes:
    """A real one-page PDF (header, catalogue, pages, page, cross-reference table, trailer)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _shots(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.screenshot(path=str(SHOTS / f"contracts-{name}-1366.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.wait_for_timeout(100)
    page.screenshot(path=str(SHOTS / f"contracts-{name}-375.png"), full_page=True)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    offenders = page.evaluate(
        "Array.from(document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > "
        "window.innerWidth + 0.5).slice(0, 5).map(e => e.tagName + '.' + e.className)"
    )
    assert overflow <= 0, f"{name}: {overflow}px wider than the phone: {offenders}"
    page.set_viewport_size({"width": 1366, "height": 860})


@pytest.fixture
def manager(transactional_db, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return make_user("manager", role="manager", department=org.sales1, name="刘洋")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_creates_a_contract_uploads_a_pdf_and_downloads_it(manager, login, page, live_server, tmp_path):
    customer = make_customer(manager=manager, name="上海华信科技有限公司")
    login("manager")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_role("tab", name="合同").click()
    page.get_by_test_id("add-contract").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("上海华信科技有限公司")
    dialog.get_by_label("标题").fill("2025 年度软件维保合同")
    dialog.get_by_label("金额（元）").fill("-1")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog.locator(".invalid-feedback")).to_have_count(1)  # the amount; the dialog stays open
    dialog.get_by_label("金额（元）").fill("98000")
    dialog.get_by_label("状态").select_option(label="执行中")
    dialog.get_by_label("签订日期").fill("2025-05-20")
    dialog.get_by_label(zh("Ends on")).fill("2026-05-19")
    _shots(page, "new-dialog")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog).to_be_hidden()
    contract = Contract.objects.get()
    row = page.locator("#section-contracts").get_by_test_id("contract-row")
    expect(row).to_contain_text(contract.number)
    expect(row).to_contain_text("¥98,000.00")
    expect(row).to_contain_text("执行中")

    row.get_by_test_id("contract-link").click()
    expect(page.get_by_test_id("contract-title")).to_have_text("2025 年度软件维保合同")
    expect(page.get_by_test_id("contract-amount")).to_have_text("¥98,000.00")
    expect(page.get_by_test_id("contract-customer")).to_have_text("上海华信科技有限公司")

    pdf = tmp_path / "合同扫描件.pdf"
    pdf.write_bytes(tiny_pdf())
    page.get_by_test_id("upload-attachment").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_be_visible()
    dialog.locator('input[type="file"]').set_input_files(str(pdf))
    dialog.get_by_label("说明").fill("盖章版")
    dialog.get_by_test_id("dialog-save").click()
    expect(dialog).to_be_hidden()
    attachments = page.locator("#contract-attachments").get_by_test_id("attachment-row")
    expect(attachments).to_have_count(1)
    expect(attachments).to_contain_text("合同扫描件.pdf")
    expect(attachments).to_contain_text("盖章版")
    stored = Attachment.objects.get()
    assert stored.contract_id == contract.pk and stored.kind == "contract"
    _shots(page, "detail")

    with page.expect_download() as caught:
        attachments.get_by_test_id("attachment-download").click()
    download = caught.value
    assert download.suggested_filename == "合同扫描件.pdf"
    assert Path(download.path()).read_bytes() == tiny_pdf()

    # The 360 page lists the file too, with its contract.
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_role("tab", name="附件").click()
    listed = page.locator("#section-attachments").get_by_test_id("attachment-row")
    expect(listed).to_contain_text("合同扫描件.pdf")
    expect(listed).to_contain_text(contract.number)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_contract_list_filters_and_sorts(manager, login, page, live_server):
    huaxin = make_customer(manager=manager, name="上海华信科技有限公司")
    yuanjing = make_customer(manager=manager, name="杭州远景贸易有限公司")
    rows = [
        (huaxin, "软件许可", "50000", datetime.date(2025, 1, 10), "active"),
        (huaxin, "维保服务", "8000", datetime.date(2025, 6, 1), "draft"),
        (yuanjing, "设备采购", "1200000", datetime.date(2024, 12, 1), "completed"),
    ]
    for customer, title, amount, signed_on, status in rows:
        contract_create(
            actor=manager,
            customer=customer,
            data={"title": title, "amount": Decimal(amount), "signed_on": signed_on, "status": status},
        )
    login("manager")
    page.locator("#sidebar").get_by_role("link", name="合同").click()
    expect(page.get_by_role("heading", name="合同")).to_be_visible()
    table = page.get_by_test_id("contract-table")
    expect(table.get_by_test_id("contract-row")).to_have_count(3)
    expect(table).to_contain_text("¥1,200,000.00")

    page.get_by_test_id("contract-filters").get_by_role("searchbox").fill("远景")
    page.get_by_test_id("contract-filters").get_by_role("button", name="筛选").click()
    expect(table.get_by_test_id("contract-row")).to_have_count(1)
    expect(table).to_contain_text("设备采购")
    page.get_by_role("link", name="清除").click()

    page.get_by_test_id("contract-filters").get_by_label("状态").select_option(label=zh("Draft"))
    expect(page).to_have_url(re.compile(r"status=draft"))
    expect(page.get_by_test_id("contract-row")).to_have_count(1)
    page.get_by_role("link", name="清除").click()

    page.get_by_test_id("contract-table").get_by_role("link", name=re.compile(zh("Amount"))).click()
    expect(page).to_have_url(re.compile(r"ordering=-amount"))
    titles = page.get_by_test_id("contract-row").locator("td:nth-child(2)")
    expect(titles.first).to_contain_text("设备采购")
    expect(titles.last).to_contain_text("维保服务")
    _shots(page, "list")
