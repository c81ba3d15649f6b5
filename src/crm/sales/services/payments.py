"""Payment plans and receipts (回款, issue 16 §4). Rules, each checked under the contract's lock:
the plans of a contract never add up to more than its amount; receipts beyond the amount need a
reason; a receipt is matched to instalments (the one named first, then by due date), partial
payments allowed; an approval flow for receipts may hold a receipt until it is approved, and only
confirmed receipts count as received."""

import datetime

from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals.services import approval_submit
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.core.numbering import next_number
from crm.customers.models import Contract, ContractStatus
from crm.customers.services.events import event_record
from crm.sales.models import Allocation, PaymentMethod, PaymentPlan, Receipt, ReceiptStatus
from crm.sales.permissions import PLAN, RECEIPT
from crm.sales.services.money import amount as read_amount
from crm.sales.services.money import locked, money, text

EVENT_RECEIPT = "sales.receipt"
RECEIPT_DOCUMENT = "receipt"
CLOSED = (ContractStatus.TERMINATED, ContractStatus.VOID)


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(fields={field: [_("Enter a date (YYYY-MM-DD).")]}) from None


def _open(contract: Contract) -> None:
    if contract.status in CLOSED:
        raise Conflict(_("The contract is closed; its payments cannot change."), code="closed")


# --- plans --------------------------------------------------------------------------------------------------
@transaction.atomic
def plan_create(*, actor, contract: Contract, data: dict) -> PaymentPlan:
    access_for(actor).check_parent(PLAN, "create", contract)
    contract = locked(contract)
    _open(contract)
    value = read_amount(data.get("amount"))
    if contract.planned_amount + value > contract.amount:
        raise ValidationFailed(fields={"amount": [
            _("The plans would add up to %(total)s, more than the contract amount %(amount)s.")
            % {"total": money(contract.planned_amount + value), "amount": money(contract.amount)}
        ]})
    sequence = (contract.payment_plans.aggregate(last=Max("sequence"))["last"] or 0) + 1
    plan = PaymentPlan.objects.create(
        contract=contract,
        sequence=sequence,
        amount=value,
        due_on=_date(data.get("due_on"), "due_on"),
        owner=data.get("owner") or contract.owner or actor,
        notes=text(data.get("notes"), 200),
        created_by=actor,
    )
    Contract.objects.filter(pk=contract.pk).update(planned_amount=F("planned_amount") + value)
    audit_create(actor=actor, instance=plan, fields=["contract", "sequence", "amount", "due_on", "owner"])
    return plan


@transaction.atomic
def plan_update(*, actor, plan: PaymentPlan, data: dict) -> PaymentPlan:
    access_for(actor).check_parent(PLAN, "edit", plan.contract)
    contract = locked(plan.contract)
    _open(contract)
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    changes = {}
    if "amount" in data:
        value = read_amount(data["amount"])
        if value < plan.received:
            raise ValidationFailed(fields={"amount": [_("%(received)s is already received on this instalment.")
                                                      % {"received": money(plan.received)}]})
        if contract.planned_amount - plan.amount + value > contract.amount:
            raise ValidationFailed(fields={"amount": [_("The plans would add up to more than the contract amount.")]})
        Contract.objects.filter(pk=contract.pk).update(planned_amount=F("planned_amount") - plan.amount + value)
        changes["amount"] = [plan.amount, value]
        plan.amount = value
    if "due_on" in data:
        due_on = _date(data["due_on"], "due_on")
        changes["due_on"] = [plan.due_on, due_on]
        plan.due_on, plan.due_reminded, plan.overdue_reminded = due_on, False, False
    if "owner" in data and data["owner"] is not None:
        changes["owner"] = [plan.owner_id, data["owner"].pk]
        plan.owner = data["owner"]
    if "notes" in data:
        plan.notes = text(data["notes"], 200)
    plan.save()
    audit_update(actor=actor, instance=plan, changes=changes)
    return plan


@transaction.atomic
def plan_delete(*, actor, plan: PaymentPlan) -> None:
    access_for(actor).check_parent(PLAN, "delete", plan.contract)
    contract = locked(plan.contract)
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.received:
        raise Conflict(_("Money was received on this instalment; it cannot be deleted."), code="received")
    Contract.objects.filter(pk=contract.pk).update(planned_amount=F("planned_amount") - plan.amount)
    audit_delete(actor=actor, instance=plan, fields=["contract", "sequence", "amount", "due_on"])
    plan.delete()


# --- receipts -----------------------------------------------------------------------------------------------
@transaction.atomic
def receipt_create(*, actor, contract: Contract, data: dict) -> Receipt:
    """Record money received. Beyond the contract amount it needs `over_reason`. Confirmed at once,
    unless an approval flow for receipts applies: then it counts once approved."""
    access_for(actor).check_parent(RECEIPT, "create", contract)
    contract = locked(contract)
    _open(contract)
    value = read_amount(data.get("amount"))
    over_reason = text(data.get("over_reason"), 200)
    if contract.received_amount + value > contract.amount and not over_reason:
        raise ValidationFailed(fields={"over_reason": [
            _("With this receipt %(total)s is received, more than the contract amount %(amount)s: give the reason.")
            % {"total": money(contract.received_amount + value), "amount": money(contract.amount)}
        ]})
    method = data.get("method") or PaymentMethod.TRANSFER
    if method not in PaymentMethod.values:
        raise ValidationFailed(fields={"method": [_("Choose a method from the list.")]})
    plan = data.get("plan")
    if plan is not None and plan.contract_id != contract.pk:
        raise ValidationFailed(fields={"plan": [_("The instalment belongs to another contract.")]})
    receipt = Receipt(
        number=next_number("receipt", "HK"),
        contract=contract,
        amount=value,
        received_on=_date(data.get("received_on"), "received_on"),
        method=method,
        account=text(data.get("account"), 100),
        reference=text(data.get("reference"), 60),
        notes=text(data.get("notes"), 200),
        over_reason=over_reason,
        first_plan=plan,
        status=ReceiptStatus.IN_APPROVAL,
        created_by=actor,
    )
    receipt.save()
    audit_create(actor=actor, instance=receipt, fields=["number", "contract", "amount", "received_on", "method"])
    # With no flow for receipts the engine confirms it at once (crm.sales.approval_types).
    approval_submit(actor=actor, document_type=RECEIPT_DOCUMENT, obj=receipt)
    return receipt


def receipt_confirm(receipt: Receipt, *, actor) -> None:
    """The receipt counts: allocated to instalments and added to the contract's received total.
    Called under the contract's lock (receipt_create, or the approval engine's decision)."""
    contract = locked(receipt.contract)
    if not Receipt.objects.filter(pk=receipt.pk).exclude(status=ReceiptStatus.CONFIRMED).update(
        status=ReceiptStatus.CONFIRMED
    ):
        return
    receipt.status = ReceiptStatus.CONFIRMED
    _allocate(receipt, receipt.first_plan)
    Contract.objects.filter(pk=contract.pk).update(received_amount=F("received_amount") + receipt.amount)
    event_record(
        customer=contract.customer,
        kind=EVENT_RECEIPT,
        actor=actor,
        summary=f"{contract.number} {money(receipt.amount)}",
        data={"contract": contract.pk, "receipt": receipt.pk},
    )


def receipt_reject(receipt: Receipt) -> None:
    Receipt.objects.filter(pk=receipt.pk, status=ReceiptStatus.IN_APPROVAL).update(status=ReceiptStatus.REJECTED)
    receipt.status = ReceiptStatus.REJECTED


def _allocate(receipt: Receipt, first: PaymentPlan | None) -> None:
    """Pay the named instalment first, then the others by due date; what is left over stays
    unallocated (money beyond the plans)."""
    left = receipt.amount
    plans = list(
        PaymentPlan.objects.select_for_update().filter(contract_id=receipt.contract_id, received__lt=F("amount"))
        .order_by("due_on", "sequence")
    )
    if first is not None:
        plans.sort(key=lambda p: p.pk != first.pk)
    rows = []
    for plan in plans:
        if left <= 0:
            break
        part = min(left, plan.amount - plan.received)
        rows.append(Allocation(receipt=receipt, plan=plan, amount=part))
        PaymentPlan.objects.filter(pk=plan.pk).update(received=F("received") + part)
        left -= part
    Allocation.objects.bulk_create(rows)


@transaction.atomic
def receipt_delete(*, actor, receipt: Receipt) -> None:
    """Take back a receipt recorded in error: its allocations and its part of the total go with it."""
    access_for(actor).check_parent(RECEIPT, "delete", receipt.contract)
    contract = locked(receipt.contract)
    receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
    if receipt.status == ReceiptStatus.IN_APPROVAL:
        raise Conflict(_("The receipt is in approval; withdraw the approval first."), code="frozen")
    if receipt.status == ReceiptStatus.CONFIRMED:
        for allocation in receipt.allocations.all():
            PaymentPlan.objects.filter(pk=allocation.plan_id).update(received=F("received") - allocation.amount)
        Contract.objects.filter(pk=contract.pk).update(received_amount=F("received_amount") - receipt.amount)
    audit_delete(actor=actor, instance=receipt, fields=["number", "contract", "amount", "received_on", "status"])
    receipt.delete()
