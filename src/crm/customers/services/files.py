"""Attachments (CUS-12) and contracts (CUS-16).

Files are stored outside the database under random names and served only by a view that asks
the permission engine first; their kind is checked by content, not only by name.
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
from crm.core.uploads import check_upload
from crm.customers.models import Attachment, AttachmentKind, Contract, ContractStatus, Customer, EventKind
from crm.customers.permissions import ATTACHMENT, CONTRACT
from crm.customers.services.events import event_record

APPROVAL_DOCUMENT = "contract"  # crm.customers.approval_types
CONTRACT_FIELDS = ["title", "amount", "signed_on", "start_on", "end_on", "status", "owner", "notes"]


@transaction.atomic
def attachment_upload(
    *, actor, customer: Customer, upload, kind: str = AttachmentKind.OTHER, description: str = "", contract=None
) -> Attachment:
    access_for(actor).check_parent(ATTACHMENT, "create", customer)
    content_type = check_upload(upload)
    if kind not in AttachmentKind.values:
        raise ValidationFailed(fields={"kind": [_("Unknown kind.")]})
    if contract is not None and contract.customer_id != customer.pk:
        raise ValidationFailed(fields={"contract": [_("The contract belongs to another customer.")]})
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][:200]
    attachment = Attachment(
        customer=customer,
        contract=contract,
        kind=kind,
        original_name=name,
        size=upload.size,
        content_type=content_type,
        description=(description or "").strip()[:200],
        uploaded_by=actor,
    )
    # Everything is checked before the file is written, so a rollback after this point (rare:
    # only the row and its audit entry follow) is the only way to leave a stray file behind.
    attachment.file.save(name, upload, save=False)
    attachment.save()
    audit_create(actor=actor, instance=attachment, fields=["customer", "contract", "kind", "original_name", "size"])
    event_record(
        customer=customer, kind=EventKind.ATTACHMENT, actor=actor, summary=name, data={"attachment": attachment.pk}
    )
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    access_for(actor).check_parent(ATTACHMENT, "delete", attachment.customer)
    audit_delete(actor=actor, instance=attachment, fields=["customer", "contract", "kind", "original_name", "size"])
    name, storage = attachment.file.name, attachment.file.storage
    attachment.delete()
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def contract_create(*, actor, customer: Customer, data: dict) -> Contract:
    access_for(actor).check_parent(CONTRACT, "create", customer)
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in CONTRACT_FIELDS}
    values.setdefault("owner", customer.manager or actor)
    contract = Contract(customer=customer, created_by=actor, **values)
    full_clean(contract, exclude=["number"])
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
    _check_status_change(actor, contract, data)
    if contract.status in (ContractStatus.COMPLETED, ContractStatus.TERMINATED) and set(data) - {"status", "notes"}:
        raise Conflict(
            _("A completed or terminated contract keeps its terms; only its notes can change."), code="closed"
        )
    values = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in CONTRACT_FIELDS}
    # The payment plans' total is read under the row lock crm.sales writes it under.
    planned = Contract.objects.select_for_update().filter(pk=contract.pk).values_list("planned_amount", flat=True).get()
    if values.get("amount") is not None and Decimal(str(values["amount"])) < planned:
        message = _("The payment plans already add up to %(planned)s; lower them first.")
        raise ValidationFailed(fields={"amount": [message % {"planned": planned}]})
    changes = model_update(instance=contract, data=values, fields=list(values))
    _touch_deal(contract)
    audit_update(actor=actor, instance=contract, changes=changes)
    return contract


def _check_status_change(actor, contract: Contract, data: dict) -> None:
    """"In approval" is the engine's to set; and where an approval flow applies to the contract as it
    would be saved, it leaves draft only through approval (contract_submit)."""
    status = data.get("status", contract.status)
    if status == contract.status:
        return
    if status == ContractStatus.IN_APPROVAL:
        raise ValidationFailed(fields={"status": [_("Submit the contract for approval instead.")]})
    if contract.status == ContractStatus.DRAFT:
        proposed = Contract(**{**{f: getattr(contract, f) for f in ("customer_id", "amount")}, **_amount_only(data)})
        if flow_for(APPROVAL_DOCUMENT, proposed, actor) is not None:
            raise ValidationFailed(
                fields={"status": [_("This contract needs approval before it leaves draft: submit it for approval.")]}
            )


def _amount_only(data: dict) -> dict:
    return {"amount": data["amount"]} if data.get("amount") is not None else {}


@transaction.atomic
def contract_submit(*, actor, contract: Contract, comment: str = ""):
    """Submit a draft for approval; with no flow applying, it enters the approved status at once."""
    access_for(actor).check_parent(CONTRACT, "edit", contract.customer)
    contract = Contract.objects.select_for_update().select_related("customer").get(pk=contract.pk)
    if contract.status != ContractStatus.DRAFT:
        raise Conflict(_("Only a draft contract can be submitted for approval."), code="not_draft")
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
            _("Only draft contracts can be deleted; terminate a contract in force instead."), code="not_draft"
        )
    audit_delete(actor=actor, instance=contract, fields=["number", "customer", *CONTRACT_FIELDS])
    for attachment in contract.attachments.all():
        name, storage = attachment.file.name, attachment.file.storage
        transaction.on_commit(lambda name=name, storage=storage: storage.delete(name))
    contract.delete()


def _touch_deal(contract: Contract) -> None:
    """A signed contract is a deal: the pool's "days without a deal" count from its date."""
    if contract.signed_on and contract.status in (ContractStatus.ACTIVE, ContractStatus.COMPLETED):
        customer = Customer.objects.filter(pk=contract.customer_id).values("last_deal_on").first()
        if customer and (customer["last_deal_on"] is None or customer["last_deal_on"] < contract.signed_on):
            Customer.objects.filter(pk=contract.customer_id).update(last_deal_on=contract.signed_on)
