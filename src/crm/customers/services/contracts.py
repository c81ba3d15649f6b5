"""Contracts 客户合同 (CUS-16, issue 16 §3): create, edit, the status flow, submit for approval, delete.

The status moves along CONTRACT_STATES (draft → signed → in force → completed; terminated or void
with a reason); each status asks for what administrators require of it (crm.customers.contract_rules);
"in approval" is entered only by submitting, and where a flow applies a contract leaves draft only
through it. A closed contract (completed, terminated, void) keeps its terms; only its notes change.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals.services import approval_submit, ensure_editable, flow_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.core.numbering import next_number
from crm.core.services import full_clean, model_update
from crm.customers import contract_rules
from crm.customers.models import (
    CLOSED_CONTRACT,
    CONTRACT_STATES,
    REASON_ACTIONS,
    Contract,
    ContractStatus,
    Customer,
    EventKind,
)
from crm.customers.permissions import CONTRACT
from crm.customers.services.events import event_record

APPROVAL_DOCUMENT = "contract"  # crm.customers.approval_types
CONTRACT_FIELDS = ["title", "amount", "signed_on", "start_on", "end_on", "status", "owner", "notes"]
# A contract may be recorded in these statuses at once (an earlier, paper contract): never in approval,
# terminated or void, which only a step of the flow reaches.
CREATE_STATUSES = (ContractStatus.DRAFT, ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.COMPLETED)
SIGNED = (ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.COMPLETED)
EVENT_STATUS = "contract.status"


def _values(data: dict) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in CONTRACT_FIELDS}


@transaction.atomic
def contract_create(*, actor, customer: Customer, data: dict) -> Contract:
    access_for(actor).check_parent(CONTRACT, "create", customer)
    values = _values(data)
    values.setdefault("owner", customer.manager or actor)
    contract = Contract(customer=customer, created_by=actor, **values)
    full_clean(contract, exclude=["number"])
    if contract.status not in CREATE_STATUSES:
        message = _("A new contract starts as a draft, signed, in force or completed.")
        raise ValidationFailed(fields={"status": [message]})
    if contract.status != ContractStatus.DRAFT:
        _check_no_flow(actor, contract)
        contract_rules.check(contract, contract.status)
    contract.number = next_number("contract", "HT")
    contract.save()
    _touch_deal(contract)
    audit_create(actor=actor, instance=contract, fields=["number", "customer", *CONTRACT_FIELDS])
    event_record(
        customer=customer,
        kind=EventKind.CONTRACT,
        actor=actor,
        summary=f"{contract.number} {contract.title}",
        data={"contract": contract.pk, "amount": contract.amount},
    )
    return contract


@transaction.atomic
def contract_update(*, actor, contract: Contract, data: dict) -> Contract:
    access_for(actor).check_parent(CONTRACT, "edit", contract.customer)
    ensure_editable(APPROVAL_DOCUMENT, contract)
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status in CLOSED_CONTRACT and set(data) - {"status", "notes", "status_reason"}:
        raise Conflict(_("A closed contract keeps its terms; only its notes can change."), code="closed")
    values = _values(data)
    if locked.has_lines and values.get("amount") is not None and Decimal(str(values["amount"])) != locked.amount:
        raise ValidationFailed(fields={"amount": [_("The amount is the sum of the contract's lines; change them.")]})
    if values.get("amount") is not None and Decimal(str(values["amount"])) < locked.planned_amount:
        message = _("The payment plans already add up to %(planned)s; lower them first.")
        raise ValidationFailed(fields={"amount": [message % {"planned": locked.planned_amount}]})
    target = values.pop("status", locked.status)
    changes = model_update(instance=contract, data=values, fields=list(values)) if values else {}
    if "end_on" in changes:  # a new end date, new reminders (crm.sales.jobs)
        Contract.objects.filter(pk=contract.pk).update(expiry_reminded=False, expired_reminded=False)
    if target != locked.status:
        action = CONTRACT_STATES.action_to(locked.status, target) if target != ContractStatus.IN_APPROVAL else None
        if action is None:
            raise ValidationFailed(fields={"status": [_("Submit the contract for approval instead.")]})
        contract_transition(actor=actor, contract=contract, action=action, reason=data.get("status_reason", ""))
    _touch_deal(contract)
    audit_update(actor=actor, instance=contract, changes=changes)
    return contract


@transaction.atomic
def contract_transition(*, actor, contract: Contract, action: str, reason: str = "") -> Contract:
    """One step of the status flow (sign, activate, complete, terminate, void): allowed by the table,
    with what the new status requires, a reason where the step needs one, and, out of draft, only
    where no approval flow applies. The status changes by a conditional UPDATE: two people pressing
    at once cannot both move it."""
    access_for(actor).check_parent(CONTRACT, "edit", contract.customer)
    ensure_editable(APPROVAL_DOCUMENT, contract)
    current = Contract.objects.select_for_update().get(pk=contract.pk)
    target = CONTRACT_STATES.target(current.status, action)
    reason = (reason or "").strip()[:200]
    if action in REASON_ACTIONS and not reason:
        raise ValidationFailed(fields={"status_reason": [_("Give the reason.")]})
    if current.status == ContractStatus.DRAFT and action != "void":
        _check_no_flow(actor, current)
    contract_rules.check(current, target)
    values = {"status": target, **({"status_reason": reason} if action in REASON_ACTIONS else {})}
    if not Contract.objects.filter(pk=current.pk, status=current.status).update(**values):
        raise Conflict(_("Someone else changed this contract meanwhile; reload it."), code="stale")
    for name, value in values.items():
        setattr(contract, name, value)
    _touch_deal(contract)
    audit_update(actor=actor, instance=contract, changes={"status": [current.status, target],
                                                          **({"status_reason": ["", reason]} if reason else {})})
    summary = f"{contract.number} {ContractStatus(current.status).label} → {ContractStatus(target).label}"
    event_record(customer=contract.customer, kind=EVENT_STATUS, actor=actor,
                 summary=summary + (f"：{reason}" if reason else ""),
                 data={"contract": contract.pk, "from": current.status, "to": target})
    return contract


def _check_no_flow(actor, contract: Contract) -> None:
    """Where an approval flow applies to the contract, it leaves draft only through approval."""
    if flow_for(APPROVAL_DOCUMENT, contract, actor) is not None:
        raise ValidationFailed(
            fields={"status": [_("This contract needs approval before it leaves draft: submit it for approval.")]}
        )


@transaction.atomic
def contract_submit(*, actor, contract: Contract, comment: str = ""):
    """Submit a draft for approval; with no flow applying, it enters the approved status at once."""
    access_for(actor).check_parent(CONTRACT, "edit", contract.customer)
    contract = Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)
    if contract.status != ContractStatus.DRAFT:
        raise Conflict(_("Only a draft contract can be submitted for approval."), code="not_draft")
    # With no flow it is approved as it is, into force: what that status requires is checked now.
    flow = flow_for(APPROVAL_DOCUMENT, contract, actor)
    contract_rules.check(contract, ContractStatus.IN_APPROVAL if flow is not None else ContractStatus.ACTIVE)
    before = contract.status
    approval = approval_submit(actor=actor, document_type=APPROVAL_DOCUMENT, obj=contract, comment=comment)
    contract.refresh_from_db(fields=["status"])
    _touch_deal(contract)
    audit_update(actor=actor, instance=contract, changes={"status": [before, contract.status]})
    return approval


@transaction.atomic
def contract_delete(*, actor, contract: Contract) -> None:
    access_for(actor).check_parent(CONTRACT, "delete", contract.customer)
    if contract.status != ContractStatus.DRAFT:
        raise Conflict(
            _("Only draft contracts can be deleted; void a contract that is no longer wanted."), code="not_draft"
        )
    audit_delete(actor=actor, instance=contract, fields=["number", "customer", *CONTRACT_FIELDS])
    for attachment in contract.attachments.all():
        name, storage = attachment.file.name, attachment.file.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    contract.delete()


def _touch_deal(contract: Contract) -> None:
    """A signed contract is a deal: the pool's "days without a deal" count from its date."""
    if contract.signed_on and contract.status in SIGNED:
        customer = Customer.objects.filter(pk=contract.customer_id).values("last_deal_on").first()
        if customer and (customer["last_deal_on"] is None or customer["last_deal_on"] < contract.signed_on):
            Customer.objects.filter(pk=contract.customer_id).update(last_deal_on=contract.signed_on)
