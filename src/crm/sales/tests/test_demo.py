"""The money demo: flows, instalments, receipts and invoices on the contracts in force; the running
totals equal their rows; loaded once."""

import datetime
from decimal import Decimal

from django.db.models import Sum

from crm.approvals.models import Flow
from crm.customers.models import Contract, ContractStatus
from crm.customers.testing import make_customer
from crm.orders.testing import make_product
from crm.sales.demo import load
from crm.sales.models import ContractLine, Invoice, PaymentPlan, Quote, Receipt


def test_demo_money_on_the_contracts_in_force(sales, admin_user):
    admin_user.username = "admin"
    admin_user.save(update_fields=["username"])
    sales.manager.username = "manager"
    sales.manager.save(update_fields=["username"])
    make_product(name="工业路由器", model_number="R-200", price=Decimal("1299"))
    for index in range(6):
        customer = make_customer(manager=sales.manager, name=f"演示客户{index}有限公司")
        Contract.objects.create(
            number=f"HT9{index:05d}", customer=customer, title="年度采购合同", amount=Decimal(300000 + index),
            status=ContractStatus.ACTIVE, owner=sales.manager, signed_on=datetime.date(2026, 1, 5),
        )
    lines = []
    load(lines.append)
    assert Flow.objects.count() == 2 and PaymentPlan.objects.exists() and Receipt.objects.exists()
    for contract in Contract.objects.filter(status=ContractStatus.ACTIVE):  # the ones paid for
        plans = PaymentPlan.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"]
        received = Receipt.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"] or 0
        assert contract.planned_amount == plans == contract.amount and contract.received_amount == received
    quotes = list(Quote.objects.order_by("id"))
    assert len(quotes) == 3 and [q.status for q in quotes] == ["converted", "approved", "draft"]
    converted = Contract.objects.get(pk=quotes[0].contract_id)
    assert converted.has_lines and converted.amount == quotes[0].total == sum(
        line.amount for line in ContractLine.objects.filter(contract=converted))
    invoices = Invoice.objects.count()
    load(lines.append)
    assert Invoice.objects.count() == invoices and lines[-1] == "sales: already loaded"
