"""Contracts go through the approval engine (crm.approvals): a draft is submitted, frozen while in
approval, and enters the status the flow sets (by default "in force") when approved; rejected or
withdrawn, it is a draft again. Each turn is on the customer's timeline."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.approvals.models import LogAction
from crm.approvals.registry import ConditionField, DocumentType, register
from crm.customers.models import Contract, ContractStatus
from crm.customers.permissions import CONTRACT
from crm.customers.sections import contract_snapshot_parts
from crm.customers.services.contracts import EVENT_STATUS
from crm.customers.services.events import event_record
from crm.customers.timeline import EventType, register_event_type
from crm.dictionary.selectors import choices as dictionary_choices

DOCUMENT = "contract"
EVENT = "contract.approval"
APPROVED_STATUSES = (ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.COMPLETED)


def _snapshot(contract: Contract) -> dict:
    return {
        str(_("Number")): contract.number,
        str(_("Customer")): contract.customer.name,
        str(_("Title")): contract.title,
        str(_("Amount (CNY)")): str(contract.amount),
        str(_("Signed on")): contract.signed_on.isoformat() if contract.signed_on else "",
        str(_("Term")): " – ".join(d.isoformat() for d in (contract.start_on, contract.end_on) if d),
        str(_("Owner")): str(contract.owner or ""),
        str(_("Notes")): contract.notes,
        **contract_snapshot_parts(contract),
    }


def _submitted(actor, contract: Contract, approval) -> None:
    Contract.objects.filter(pk=contract.pk).update(status=ContractStatus.IN_APPROVAL)
    contract.status = ContractStatus.IN_APPROVAL


def _decided(actor, contract: Contract, approval, status: str) -> None:
    contract.status = status or ContractStatus.DRAFT
    Contract.objects.filter(pk=contract.pk).update(status=contract.status)


def _event(actor, contract: Contract, approval, action: str, comment: str) -> None:
    label = LogAction(action).label
    event_record(
        customer=contract.customer,
        kind=EVENT,
        actor=actor,
        summary=f"{contract.number} {label}" + (f"：{comment}" if comment else ""),
        data={"contract": contract.pk, "approval": approval.pk if approval else None, "action": action},
    )


register(
    DocumentType(
        code=DOCUMENT,
        label=_("Contract"),
        model="customers.Contract",
        resource=CONTRACT,
        title=lambda c: f"{c.number} {c.title}",
        url=lambda c: reverse("customers:contract_detail", args=[c.pk]),
        snapshot=_snapshot,
        fields=(
            ConditionField("amount", _("Amount"), "number"),
            ConditionField(
                "customer_level",
                _("Customer level"),
                "choice",
                lambda: [(str(pk), label) for pk, label in dictionary_choices("customer_level")],
            ),
        ),
        values=lambda c: {"amount": c.amount, "customer_level": c.customer.level_id},
        amount=lambda c: c.amount,
        statuses=lambda: [(s.value, s.label) for s in APPROVED_STATUSES],
        default_status=ContractStatus.ACTIVE,
        on_submitted=_submitted,
        on_decided=_decided,
        on_event=_event,
    )
)


def _link(event) -> str | None:
    pk = (event.data or {}).get("contract")
    return reverse("customers:contract_detail", args=[pk]) if pk else None


register_event_type(EventType(EVENT, _("Contract approval"), "check2-square", _link))
register_event_type(EventType(EVENT_STATUS, _("Contract status"), "file-earmark-check", _link))
