"""A contract's lines (issue 16 §3): priced on the server like a quote's, the amount their sum, changed
only on a draft and never below the payment plans; a quote converts into a contract whose lines add up
to the quote's total to the cent; ERP products picked by code in the page; the API."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.customers import contract_rules
from crm.customers.models import Contract, ContractStatus
from crm.customers.services.contracts import contract_transition, contract_update
from crm.customers.tests.test_api_customers import client_for
from crm.orders.testing import make_product
from crm.sales.models import ContractLine
from crm.sales.services.contract_lines import contract_lines_save
from crm.sales.services.payments import plan_create
from crm.sales.services.quotes import quote_answer, quote_convert, quote_submit
from crm.sales.tests.test_quotes import make_quote

LINES = [
    {"description": "工业交换机 S-48", "quantity": "4", "unit_price": "8800", "discount": "5"},  # 33,440.00
    {"description": "安装调试服务", "quantity": "1", "unit_price": "6000"},  # 6,000.00
]


def test_the_amount_is_the_sum_of_the_lines_computed_here(sales, contract):
    contract_lines_save(actor=sales.manager, contract=contract, lines=[{**LINES[0], "amount": "1"}, LINES[1]])
    contract.refresh_from_db()
    stored = list(ContractLine.objects.filter(contract=contract).order_by("position"))
    assert [line.amount for line in stored] == [Decimal("33440.00"), Decimal("6000.00")]
    assert (contract.amount, contract.has_lines) == (sum(line.amount for line in stored), True)
    with pytest.raises(ValidationFailed):  # the amount follows the lines, not the form
        contract_update(actor=sales.manager, contract=contract, data={"amount": Decimal("1")})
    contract_lines_save(actor=sales.manager, contract=contract, lines=[])  # removed: typed again
    contract.refresh_from_db()
    assert (contract.has_lines, ContractLine.objects.filter(contract=contract).count()) == (False, 0)
    contract_update(actor=sales.manager, contract=contract, data={"amount": Decimal("50000")})


@pytest.mark.parametrize("lines", [
    [{"description": "", "quantity": "1", "unit_price": "1"}], [{**LINES[0], "quantity": "0"}],
    [{**LINES[0], "discount": "100.5"}], [{**LINES[0], "unit_price": "-3"}], [LINES[0]] * 51,
])
def test_bad_lines_are_refused_and_nothing_changes(sales, contract, lines):
    with pytest.raises(ValidationFailed):
        contract_lines_save(actor=sales.manager, contract=contract, lines=lines)
    assert Contract.objects.get(pk=contract.pk).amount == Decimal("100000") and not contract.lines.exists()


def test_lines_change_only_on_a_draft_and_never_below_the_plans(sales, contract):
    plan_create(actor=sales.manager, contract=contract,
                data={"amount": Decimal("60000"), "due_on": datetime.date(2027, 1, 31)})
    with pytest.raises(ValidationFailed):  # 39,440 < 60,000 promised by the plan
        contract_lines_save(actor=sales.manager, contract=contract, lines=LINES)
    contract_lines_save(actor=sales.manager, contract=contract,
                        lines=[*LINES, {"description": "三年维保", "quantity": "1", "unit_price": "30000"}])
    contract_update(actor=sales.manager, contract=contract, data={"signed_on": datetime.date(2026, 12, 1)})
    contract_transition(actor=sales.manager, contract=contract, action="sign")
    with pytest.raises(Conflict):
        contract_lines_save(actor=sales.manager, contract=contract, lines=LINES)
    with pytest.raises(PermissionDenied):  # another manager's contract is not theirs to change
        contract_lines_save(actor=sales.other, contract=contract, lines=LINES)


def test_a_status_may_require_lines(sales, contract, admin_user):
    contract_rules.rules_save(actor=admin_user, required={"active": ["lines"]})
    contract_update(actor=sales.manager, contract=contract, data={"signed_on": datetime.date(2026, 12, 1)})
    with pytest.raises(ValidationFailed):
        contract_transition(actor=sales.manager, contract=contract, action="activate")
    contract_lines_save(actor=sales.manager, contract=contract, lines=LINES)
    assert contract_transition(actor=sales.manager, contract=contract, action="activate").status == "active"


def test_a_converted_quote_gives_the_contract_its_lines_and_the_tax_to_the_cent(sales, customer):
    product = make_product(name="工业路由器", model_number="R-200", price=Decimal("1299.99"))
    quote = make_quote(sales, customer, lines=[
        {"product": product, "description": "", "quantity": "3", "unit_price": "1299.99", "discount": "7.5"},
        {"description": "现场培训", "quantity": "2.5", "unit_price": "1333.33"},
    ])
    quote_submit(actor=sales.manager, quote=quote)
    quote.refresh_from_db()
    quote_answer(actor=sales.manager, quote=quote, action="accept")
    contract = quote_convert(actor=sales.manager, quote=quote)
    lines = list(ContractLine.objects.filter(contract=contract).order_by("position"))
    assert [line.description for line in lines][:2] == ["工业路由器", "现场培训"] and lines[0].product == product
    assert sum(line.amount for line in lines) == quote.total == Contract.objects.get(pk=contract.pk).amount
    assert lines[-1].amount == quote.tax and contract.status == ContractStatus.DRAFT


def test_the_page_picks_products_by_code_and_names_an_unknown_one(client, sales, contract):
    router = make_product(name="工业路由器", model_number="R-200", external_id="ERP-R200", price=Decimal("1200"))
    client.force_login(sales.manager)
    options = client.get(reverse("sales:product_options"), {"lines-0-product": "R-2"}).content.decode()
    assert 'value="ERP-R200"' in options
    url = reverse("sales:contract_lines", args=[contract.pk])
    assert 'data-testid="line-product"' in client.get(url).content.decode()
    form = {"lines-TOTAL_FORMS": "2", "lines-INITIAL_FORMS": "0", "lines-0-product": "ERP-R200",
            "lines-0-quantity": "2", "lines-1-product": "NOPE", "lines-1-quantity": "1", "lines-1-unit_price": "5"}
    refused = client.post(url, form)
    assert refused.status_code == 400 and "NOPE" in refused.content.decode()
    assert not contract.lines.exists()
    response = client.post(url, {**form, "lines-1-product": "", "lines-1-description": "运费"})
    assert response.status_code == 302
    line = ContractLine.objects.get(contract=contract, position=1)
    assert (line.product, line.description, line.amount) == (router, "工业路由器", Decimal("2400.00"))  # ERP price
    detail = client.get(reverse("customers:contract_detail", args=[contract.pk])).content.decode()
    assert 'data-testid="contract-line"' in detail and "ERP-R200" in detail
    client.force_login(sales.other)
    assert client.get(url).status_code == 404


def test_the_api_reads_and_replaces_the_lines(sales, contract):
    api = client_for(sales.manager)
    url = f"/api/v1/contracts/{contract.pk}/lines/"
    assert api.get(url).json() == {"lines": [], "amount": "100000.00"}
    answer = api.put(url, {"lines": LINES}, format="json")
    assert answer.status_code == 200 and answer.json()["amount"] == "39440.00"
    assert [line["amount"] for line in answer.json()["lines"]] == ["33440.00", "6000.00"]
    bad = api.put(url, {"lines": [{"description": "x", "quantity": "-1", "unit_price": "1"}]}, format="json")
    assert bad.status_code == 400 and "error" in bad.json()
    assert client_for(sales.other).get(url).status_code == 404
