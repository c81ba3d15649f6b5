"""Quotes (issue 16 §2): lines priced on the server, tax and total; approval when the discount is
above the flow's limit; the customer's answer; one-step conversion into a contract; the PDF with
its Chinese text embedded, rendered to an image and read back; the print template cannot reach
files, the network or Django's other tags; an expiring quote reminds once."""

import datetime
import io
from decimal import Decimal

import pypdfium2
import pytest
from django.urls import reverse

from crm.approvals.flows import flow_save
from crm.approvals.models import ApprovalTask, TaskState
from crm.approvals.services import task_approve
from crm.core.errors import Conflict, ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers.models import ContractStatus
from crm.notifications.models import Notification
from crm.sales import jobs, printing
from crm.sales.models import Quote, QuoteStatus
from crm.sales.services.quotes import quote_answer, quote_convert, quote_create, quote_submit, quote_update

pytestmark = pytest.mark.django_db
LINES = [
    {"description": "工业路由器 R-200", "quantity": "3", "unit_price": "1200", "discount": "10"},
    {"description": "安装调试服务", "quantity": "1", "unit_price": "999.99"},
]
DATA = {"title": "网络改造报价", "valid_until": datetime.date(2027, 1, 31), "tax_rate": "13"}


def make_quote(sales, customer, lines=LINES, **data):
    return quote_create(actor=sales.manager, customer=customer, data={**DATA, **data}, lines=lines)


def test_lines_tax_and_total_are_computed_on_the_server(sales, customer):
    quote = make_quote(sales, customer, lines=[{**LINES[0], "amount": "1"}, LINES[1]])  # a client's amount is ignored
    amounts = [line.amount for line in quote.lines.order_by("position")]
    assert amounts == [Decimal("3240.00"), Decimal("999.99")]
    assert quote.subtotal == Decimal("4239.99") and quote.tax == Decimal("551.20")  # 551.1987 rounded half up
    assert quote.total == Decimal("4791.19") and quote.max_discount == Decimal("10")


@pytest.mark.parametrize(
    "lines",
    [[], [{"description": "", "quantity": "1", "unit_price": "1"}], [{**LINES[0], "quantity": "0"}],
     [{**LINES[0], "discount": "101"}], [{**LINES[0], "unit_price": "-1"}], [{**LINES[0], "quantity": "abc"}],
     [LINES[0]] * 51],
)
def test_bad_lines_are_refused_and_nothing_is_written(sales, customer, lines):
    with pytest.raises(ValidationFailed):
        make_quote(sales, customer, lines=lines)
    assert not Quote.objects.exists()


def test_a_large_discount_needs_approval_then_the_customer_accepts_and_it_becomes_a_contract(sales, customer,
                                                                                            admin_user):
    flow_save(actor=admin_user, document_type="quote", data={
        "name": "折扣审批", "conditions": [{"field": "discount", "op": "gt", "value": "5"}]},
        steps=[{"name": "主管", "approver_kind": "superior"}])
    quote = make_quote(sales, customer)
    assert quote_submit(actor=sales.manager, quote=quote) is not None
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.IN_APPROVAL
    with pytest.raises(Conflict):  # frozen in approval
        quote_update(actor=sales.manager, quote=quote, data=DATA, lines=LINES)
    task_approve(actor=sales.supervisor, task_id=ApprovalTask.objects.get(state=TaskState.PENDING).pk)
    quote.refresh_from_db()
    assert quote.status == QuoteStatus.APPROVED
    with pytest.raises(IllegalTransition):
        quote_convert(actor=sales.manager, quote=quote)  # not yet accepted
    quote_answer(actor=sales.manager, quote=quote, action="accept")
    contract = quote_convert(actor=sales.manager, quote=quote)
    assert (contract.amount, contract.title, contract.status) == (quote.total, quote.title, ContractStatus.DRAFT)
    with pytest.raises(IllegalTransition):  # once
        quote_convert(actor=sales.manager, quote=Quote.objects.get(pk=quote.pk))


def test_a_small_discount_is_ready_to_send_at_once(sales, customer):
    quote = make_quote(sales, customer, lines=[LINES[1]])
    assert quote_submit(actor=sales.manager, quote=quote) is None
    assert Quote.objects.get(pk=quote.pk).status == QuoteStatus.APPROVED


def test_the_pdf_embeds_the_chinese_text_and_renders(sales, customer):
    quote = make_quote(sales, customer)
    pdf = printing.document_pdf("quote", quote)
    document = pypdfium2.PdfDocument(io.BytesIO(pdf))
    page = document[0]
    text = page.get_textpage().get_text_range()
    for expected in ("报价单", quote.number, "上海浦江电子有限公司", "工业路由器 R-200", "4,791.19"):
        assert expected in text
    image = page.render(scale=1).to_pil().convert("L")
    dark = sum(1 for value in image.tobytes() if value < 128)
    # A4 at 72 dpi, and text drawn in a font that has the glyphs.
    assert image.size[0] in (595, 596) and image.size[1] in (841, 842) and dark > 2000
    plain = printing.document_pdf("quote", quote, compressed=False)
    assert b"/FontFile" in plain and b"WenQuanYi" in plain  # embedded: it prints the same everywhere


@pytest.mark.parametrize(
    "body",
    ['{% load static %}', '{% include "base.html" %}', "{% debug %}", '{% url "sales:quotes" %}',
     "{{ quote.__class__ }}", "{% for x in %}"],
)
def test_the_print_template_refuses_what_it_must_not_do(body):
    with pytest.raises(ValidationFailed):
        printing.check_template(body)


def test_the_pdf_fetches_nothing(sales, customer, admin_user, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    printing.template_save(actor=admin_user, key="quote",
                           body=f'<img src="file://{secret}"><img src="http://127.0.0.1:9/x.png">'
                           "{{ quote.number }}")
    quote = make_quote(sales, customer)
    text = pypdfium2.PdfDocument(io.BytesIO(printing.document_pdf("quote", quote)))[0].get_textpage().get_text_range()
    assert quote.number in text


def test_pages_print_and_pdf(client, sales, customer):
    quote = make_quote(sales, customer)
    client.force_login(sales.manager)
    assert "工业路由器 R-200" in client.get(reverse("sales:quote_print", args=[quote.pk])).content.decode()
    response = client.get(reverse("sales:quote_pdf", args=[quote.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    client.force_login(sales.other)
    assert client.get(reverse("sales:quote_pdf", args=[quote.pk])).status_code == 404


def test_the_editor_saves_lines_from_the_page(client, sales, customer):
    client.force_login(sales.manager)
    data = {"customer": customer.pk, "title": "报价", "valid_until": "2027-01-31", "tax_rate": "6",
            "lines-TOTAL_FORMS": "3", "lines-INITIAL_FORMS": "0", "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "50", "lines-0-description": "咨询服务", "lines-0-quantity": "2",
            "lines-0-unit_price": "500", "lines-0-discount": ""}
    response = client.post(reverse("sales:quote_create") + f"?customer={customer.pk}", data)
    assert response.status_code == 302
    quote = Quote.objects.get()
    assert quote.total == Decimal("1060.00") and quote.lines.count() == 1
    data["lines-0-description"] = ""
    data["lines-0-quantity"] = data["lines-0-unit_price"] = ""
    assert client.post(reverse("sales:quote_edit", args=[quote.pk]), data).status_code == 400


def test_an_expiring_quote_reminds_once_before_and_once_when_expired(sales, customer):
    quote = make_quote(sales, customer, valid_until=datetime.date(2027, 1, 31), lines=[LINES[1]])
    quote_submit(actor=sales.manager, quote=quote)
    assert jobs.remind(None, today=datetime.date(2027, 1, 27))["quotes"] == 0
    assert jobs.remind(None, today=datetime.date(2027, 1, 29))["quotes"] == 1
    assert jobs.remind(None, today=datetime.date(2027, 1, 30))["quotes"] == 0
    assert Notification.objects.filter(kind="quote", recipient=sales.manager).count() == 1
    assert jobs.remind(None, today=datetime.date(2027, 1, 31))["quotes_expired"] == 0  # its last valid day
    assert jobs.remind(None, today=datetime.date(2027, 2, 1))["quotes_expired"] == 1
    assert jobs.remind(None, today=datetime.date(2027, 2, 2))["quotes_expired"] == 0
    assert Notification.objects.filter(kind="quote", recipient=sales.manager).count() == 2


def test_quotes_through_the_api(sales, customer):
    from crm.testing import api_client, api_error

    client = api_client(sales.manager)
    body = {"customer": customer.pk, "title": "网络改造报价", "valid_until": "2027-01-31", "tax_rate": "13",
            "lines": [{"description": "工业路由器", "quantity": "3", "unit_price": "1200", "discount": "10",
                       "amount": "1"}]}
    created = client.post("/api/v1/quotes/", body, format="json")
    assert created.status_code == 201, created.content
    quote = created.json()
    assert quote["total"] == "3661.20" and quote["lines"][0]["amount"] == "3240.00"
    api_error(client.post("/api/v1/quotes/", {**body, "lines": []}, format="json"), 400)
    api_error(client.post("/api/v1/quotes/", {**body, "customer": 999999}, format="json"), 404)
    assert client.post(f"/api/v1/quotes/{quote['id']}/submit/").json()["status"] == "approved"
    assert client.post(f"/api/v1/quotes/{quote['id']}/answer/", {"answer": "accept"}).json()["status"] == "accepted"
    converted = client.post(f"/api/v1/quotes/{quote['id']}/convert/").json()
    assert converted["status"] == "converted" and converted["contract"]
    pdf = client.get(f"/api/v1/quotes/{quote['id']}/pdf/")
    assert pdf["Content-Type"] == "application/pdf"
    api_error(api_client(sales.other).get(f"/api/v1/quotes/{quote['id']}/"), 404)


def test_quotes_in_the_global_search_within_the_scope(sales, customer):
    from crm.core.extensions import search_providers

    quote = make_quote(sales, customer)
    search = next(p for p in search_providers() if p.key == "quotes").search
    assert [hit.detail.split(" · ")[0] for hit in search(sales.manager, quote.number, 5)] == [quote.number]
    assert search(sales.manager, "网络改造", 5) and not search(sales.other, quote.number, 5)
