"""Payment plans and receipts (回款, issue 16 §4): every amount rule, allocation to instalments,
receipts through approval, and the contract's running totals against a sum of the rows."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Sum

from crm.approvals.flows import flow_save
from crm.approvals.models import ApprovalTask, TaskState
from crm.approvals.services import task_approve, task_reject
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.customers.models import Contract, CustomerEvent
from crm.customers.services.contracts import contract_update
from crm.sales.models import PaymentPlan, Receipt, ReceiptStatus
from crm.sales.services.payments import plan_create, plan_delete, plan_update, receipt_create, receipt_delete

pytestmark = pytest.mark.django_db
D = Decimal


def plans(contract, actor, *amounts_and_dates):
    return [plan_create(actor=actor, contract=contract, data={"amount": a, "due_on": d}) for a, d in amounts_and_dates]


def totals(contract) -> tuple:
    contract = Contract.objects.get(pk=contract.pk)
    return contract.planned_amount, contract.received_amount


def check_totals(contract) -> None:
    """The running totals equal the sums of the rows they summarise."""
    contract = Contract.objects.get(pk=contract.pk)
    planned = PaymentPlan.objects.filter(contract=contract).aggregate(s=Sum("amount"))["s"] or 0
    received = Receipt.objects.filter(contract=contract, status=ReceiptStatus.CONFIRMED).aggregate(s=Sum("amount"))
    assert contract.planned_amount == planned
    assert contract.received_amount == (received["s"] or 0)
    for plan in PaymentPlan.objects.filter(contract=contract):
        assert plan.received == (plan.allocations.aggregate(s=Sum("amount"))["s"] or 0)
        assert plan.received <= plan.amount


def test_plans_never_add_up_to_more_than_the_contract(sales, contract):
    plans(contract, sales.manager, ("40000", "2027-01-31"), ("60000", "2027-03-31"))
    with pytest.raises(ValidationFailed) as error:
        plan_create(actor=sales.manager, contract=contract, data={"amount": "0.01", "due_on": "2027-04-30"})
    assert "amount" in error.value.fields
    first = PaymentPlan.objects.get(contract=contract, sequence=1)
    with pytest.raises(ValidationFailed):
        plan_update(actor=sales.manager, plan=first, data={"amount": "40000.01"})
    plan_update(actor=sales.manager, plan=first, data={"amount": "30000"})
    assert totals(contract) == (D("90000"), D("0"))
    # The contract amount cannot fall below its plans.
    with pytest.raises(ValidationFailed):
        contract_update(actor=sales.manager, contract=contract, data={"amount": D("89999.99")})
    check_totals(contract)


@pytest.mark.parametrize("bad", ["0", "-5", "abc", "", None, "1e20", "NaN"])
def test_amounts_are_positive_bounded_numbers(sales, contract, bad):
    with pytest.raises(ValidationFailed):
        plan_create(actor=sales.manager, contract=contract, data={"amount": bad, "due_on": "2027-01-31"})
    with pytest.raises(ValidationFailed):
        receipt_create(actor=sales.manager, contract=contract, data={"amount": bad, "received_on": "2027-01-31"})
    assert not PaymentPlan.objects.exists() and not Receipt.objects.exists()


def test_receipts_pay_instalments_by_due_date_partially(sales, contract):
    first, second = plans(contract, sales.manager, ("40000", "2027-01-31"), ("60000", "2027-03-31"))
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "30000", "received_on": "2027-01-20"})
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "25000", "received_on": "2027-02-10"})
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.received, second.received) == (D("40000"), D("15000"))
    assert totals(contract) == (D("100000"), D("55000"))
    check_totals(contract)


def test_a_receipt_pays_the_named_instalment_first(sales, contract):
    first, second = plans(contract, sales.manager, ("40000", "2027-01-31"), ("60000", "2027-03-31"))
    receipt_create(
        actor=sales.manager, contract=contract, data={"amount": "70000", "received_on": "2027-01-20", "plan": second}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.received, second.received) == (D("10000"), D("60000"))
    check_totals(contract)


def test_money_beyond_the_contract_needs_a_reason(sales, contract):
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "100000", "received_on": "2027-01-20"})
    with pytest.raises(ValidationFailed) as error:
        receipt_create(actor=sales.manager, contract=contract, data={"amount": "0.01", "received_on": "2027-01-21"})
    assert "over_reason" in error.value.fields
    receipt_create(
        actor=sales.manager,
        contract=contract,
        data={"amount": "500", "received_on": "2027-01-21", "over_reason": "客户多付运费，下月冲抵"},
    )
    assert totals(contract)[1] == D("100500")
    check_totals(contract)


def test_deleting_a_receipt_takes_its_money_back(sales, contract):
    (plan,) = plans(contract, sales.manager, ("40000", "2027-01-31"))
    receipt = receipt_create(
        actor=sales.manager, contract=contract, data={"amount": "30000", "received_on": "2027-01-20"}
    )
    with pytest.raises(PermissionDenied):  # managers record receipts; deleting one is finance's
        receipt_delete(actor=sales.manager, receipt=receipt)
    with pytest.raises(Conflict):  # an instalment with money on it stays
        plan_delete(actor=sales.supervisor, plan=plan)
    receipt_delete(actor=sales.supervisor, receipt=receipt)
    plan.refresh_from_db()
    assert plan.received == 0 and totals(contract) == (D("40000"), D("0"))
    plan_delete(actor=sales.supervisor, plan=plan)
    check_totals(contract)


def test_a_receipt_on_the_timeline(sales, contract, customer):
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "1000", "received_on": "2027-01-20"})
    assert CustomerEvent.objects.filter(customer=customer, kind="sales.receipt").count() == 1


def test_receipts_through_approval_count_once_approved(sales, contract, admin_user):
    flow_save(actor=admin_user, document_type="receipt", data={"name": "回款确认"},
              steps=[{"name": "主管确认", "approver_kind": "superior"}])
    receipt = receipt_create(
        actor=sales.manager, contract=contract, data={"amount": "5000", "received_on": "2027-01-20"}
    )
    assert receipt.status == ReceiptStatus.IN_APPROVAL and totals(contract)[1] == 0
    task = ApprovalTask.objects.get(approver=sales.supervisor, state=TaskState.PENDING)
    task_approve(actor=sales.supervisor, task_id=task.pk)
    receipt.refresh_from_db()
    assert receipt.status == ReceiptStatus.CONFIRMED and totals(contract)[1] == D("5000")
    other = receipt_create(
        actor=sales.manager, contract=contract, data={"amount": "7000", "received_on": "2027-02-20"}
    )
    task = ApprovalTask.objects.get(approver=sales.supervisor, state=TaskState.PENDING)
    task_reject(actor=sales.supervisor, task_id=task.pk, reason="银行流水对不上")
    other.refresh_from_db()
    assert other.status == ReceiptStatus.REJECTED and totals(contract)[1] == D("5000")
    check_totals(contract)


def test_outside_the_contracts_scope_nothing_can_be_written(sales, contract):
    """Services refuse (403); pages and the API never reach them, the contract is 404 there."""
    with pytest.raises(PermissionDenied):
        plan_create(actor=sales.other, contract=contract, data={"amount": "1", "due_on": datetime.date(2027, 1, 1)})
    with pytest.raises(PermissionDenied):
        receipt_create(actor=sales.other, contract=contract, data={"amount": "1", "received_on": "2027-01-01"})
    assert not PaymentPlan.objects.exists()


def test_merge_keeps_one_set_of_invoicing_details_and_moves_the_money(sales, contract, customer):
    from crm.customers.services.merge import customers_merge
    from crm.customers.testing import make_customer
    from crm.sales.models import InvoicingDetails
    from crm.sales.services.invoices import details_save
    from crm.sales.tests.conftest import CREDIT_CODE

    twin = make_customer(manager=sales.manager, name="上海浦江电子（集团）有限公司")
    details_save(actor=sales.manager, customer=twin, data={"name": "浦江集团", "tax_id": CREDIT_CODE})
    receipt_create(actor=sales.manager, contract=contract, data={"amount": "100", "received_on": "2027-01-01"})
    customers_merge(actor=sales.supervisor, target=customer, others=[twin])
    assert InvoicingDetails.objects.get().customer_id == customer.pk  # the target had none: it takes the twin's
    assert Receipt.objects.get().contract.customer_id == customer.pk


def test_handover_moves_open_instalments(sales, contract, customer):
    from crm.customers.services.ownership import customers_handover

    (open_plan,) = plans(contract, sales.manager, ("40000", "2027-01-31"))
    customers_handover(actor=sales.supervisor, customers=[customer], to_manager=sales.colleague)
    open_plan.refresh_from_db()
    assert open_plan.owner_id == sales.colleague.pk
