"""The contract printed (issue 16 §3): an administrator's template, the amount in Chinese capitals, the
PDF with the Chinese text read back from the rendered page; expiry reminders once each."""

import datetime
import io
from decimal import Decimal

import pypdfium2
import pytest
from django.urls import reverse

from crm.customers.models import ContractStatus
from crm.customers.services.contracts import contract_create, contract_update
from crm.notifications.models import Notification
from crm.sales import jobs, printing
from crm.sales.capitals import rmb_upper
from crm.sales.services.contract_lines import contract_lines_save


@pytest.mark.parametrize("amount, words", [
    ("1234567.80", "壹佰贰拾叁万肆仟伍佰陆拾柒元捌角整"), ("100.05", "壹佰元零伍分"), ("0.50", "伍角整"),
    ("10", "壹拾元整"), ("100105", "壹拾万零壹佰零伍元整"), ("100000000.01", "壹亿元零壹分"),
    ("20004", "贰万零肆元整"), ("1010.10", "壹仟零壹拾元壹角整"), ("0", "零元整"), ("0.07", "柒分"),
])
def test_amounts_in_chinese_capitals(amount, words):
    assert rmb_upper(Decimal(amount)) == words


def test_the_contract_pdf_reads_back_in_chinese(client, sales, contract):
    contract_lines_save(actor=sales.manager, contract=contract, lines=[
        {"description": "工业交换机 S-48", "quantity": "4", "unit_price": "8800", "discount": "5"},
        {"description": "安装调试服务", "quantity": "1", "unit_price": "6000"}])
    contract.refresh_from_db()
    document = pypdfium2.PdfDocument(io.BytesIO(printing.document_pdf("contract", contract)))
    text = document[0].get_textpage().get_text_range()
    for expected in (contract.number, "上海浦江电子有限公司", "工业交换机 S-48", "39,440.00", "叁万玖仟肆佰肆拾元整"):
        assert expected in text
    image = document[0].render(scale=1).to_pil().convert("L")
    assert sum(1 for value in image.tobytes() if value < 128) > 2000  # drawn with glyphs, not boxes
    client.force_login(sales.manager)
    page = client.get(reverse("sales:contract_print", args=[contract.pk])).content.decode()
    assert "叁万玖仟肆佰肆拾元整" in page and "安装调试服务" in page
    response = client.get(reverse("sales:contract_pdf", args=[contract.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    client.force_login(sales.other)
    assert client.get(reverse("sales:contract_pdf", args=[contract.pk])).status_code == 404


def test_administrators_edit_the_contract_template(client, sales, contract, admin_user):
    url = reverse("sales:print_template") + "?kind=contract"
    client.force_login(sales.manager)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    assert "amount_in_words" in client.get(url).content.decode()
    assert client.post(url, {"body": "{% for x in %}"}).status_code == 400
    body = "<h1>购销合同 {{ contract.number }}</h1>{{ contract.amount_in_words }}"
    assert client.post(url, {"body": body}).status_code == 302
    assert printing.document_html("contract", contract) == f"<h1>购销合同 {contract.number}</h1>壹拾万元整"
    assert "报价单" in printing.document_html("quote", _quote(sales, contract))  # the quote keeps its own
    assert client.get(reverse("sales:print_template") + "?kind=nothing").status_code == 404


def _quote(sales, contract):
    from crm.sales.tests.test_quotes import make_quote

    return make_quote(sales, contract.customer)


def test_a_contract_in_force_reminds_once_before_and_once_after_it_ends(sales, customer):
    contract = contract_create(actor=sales.manager, customer=customer, data={
        "title": "年度维保", "amount": Decimal("50000"), "status": ContractStatus.ACTIVE,
        "signed_on": datetime.date(2026, 1, 1), "end_on": datetime.date(2026, 12, 31)})
    assert jobs.remind(None, today=datetime.date(2026, 11, 20))["contracts_expiring"] == 0
    assert jobs.remind(None, today=datetime.date(2026, 12, 2))["contracts_expiring"] == 1
    assert jobs.remind(None, today=datetime.date(2026, 12, 3))["contracts_expiring"] == 0
    assert jobs.remind(None, today=datetime.date(2027, 1, 1))["contracts_expired"] == 1
    assert jobs.remind(None, today=datetime.date(2027, 1, 2))["contracts_expired"] == 0
    assert Notification.objects.filter(kind="contract", recipient=sales.manager).count() == 2
    contract_update(actor=sales.manager, contract=contract, data={"end_on": datetime.date(2027, 12, 31)})  # renewed
    assert jobs.remind(None, today=datetime.date(2027, 12, 10))["contracts_expiring"] == 1
