"""Expense claims 费用报销 (SADM-3, s003/1 §4.6): lines with a type from the dictionary, an amount, a
date, an optional customer or opportunity of the claimant's and a receipt file; submitted through
the approval engine (frozen meanwhile); approved claims are marked paid by finance."""

import datetime
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals.services import approval_submit, ensure_editable
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.core.numbering import next_number
from crm.core.uploads import check_upload
from crm.customers.models import Customer
from crm.dictionary.models import DictionaryItem
from crm.opportunities.models import Opportunity
from crm.salesadmin.models import ClaimStatus, ExpenseClaim, ExpenseLine
from crm.salesadmin.permissions import CLAIM
from crm.salesadmin.services.common import text

CLAIM_DOCUMENT = "expense_claim"
MAX_LINES = 50
MAX_AMOUNT = Decimal("9999999.99")
RECEIPT_KINDS = ("pdf", "png", "jpg", "jpeg")
MISSING = object()  # a record named by an id that does not exist


def _own(actor, claim: ExpenseClaim, action: str) -> None:
    """The claimant alone changes, submits or deletes a claim (approvers decide in the approval)."""
    access_for(actor).check(CLAIM, action, claim)
    if claim.claimant_id != actor.pk:
        raise PermissionDenied(_("Only the claimant changes or submits a claim."))


def _visible(access, resource: str, obj) -> bool:
    return access.scoped(resource, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def _line(actor, index: int, data: dict, kept: dict[int, ExpenseLine]) -> ExpenseLine:
    """One line checked; errors are named `lines.<index>.<field>`."""
    errors: dict = {}
    item = data.get("expense_type")
    if not isinstance(item, DictionaryItem) or item.category != "expense_type" or not item.is_active:
        errors["expense_type"] = [_("Choose an expense type from the list.")]
    try:
        amount = Decimal(str(data.get("amount"))).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        amount = Decimal(0)
    if not Decimal(0) < amount <= MAX_AMOUNT:
        errors["amount"] = [_("Enter an amount above 0.")]
    spent_on = data.get("spent_on")
    if not isinstance(spent_on, datetime.date) or spent_on > timezone.localdate():
        errors["spent_on"] = [_("Enter the date the money was spent (not in the future).")]
    access = access_for(actor)
    customer, opportunity = data.get("customer"), data.get("opportunity")
    if customer is MISSING or (customer is not None and not _visible(access, "customers.customer", customer)):
        errors["customer"] = [_("Choose one of your customers.")]
    if opportunity is MISSING or (opportunity is not None
                                  and not _visible(access, "opportunities.opportunity", opportunity)):
        errors["opportunity"] = [_("Choose one of your opportunities.")]
    line = kept.get(data.get("id")) or ExpenseLine()
    upload = data.get("receipt")
    if upload:
        try:
            line.receipt_type = check_upload(upload, allowed=RECEIPT_KINDS)
        except ValidationFailed as exc:
            errors["receipt"] = list(exc.fields.get("file") or [exc.message])
        else:
            line.receipt = upload
    if errors:
        raise ValidationFailed(fields={f"lines.{index}.{name}": messages for name, messages in errors.items()})
    line.position, line.expense_type, line.amount, line.spent_on = index, item, amount, spent_on
    line.description, line.customer, line.opportunity = text(data.get("description"), 200), customer, opportunity
    return line


def resolve_lines(rows: list[dict]) -> list[dict]:
    """Lines given by ids (a form, the API) with their records: three queries for any number of
    lines; an unknown id becomes None, which the checks refuse (a customer or opportunity named
    but not found is refused, not dropped)."""
    types = DictionaryItem.objects.in_bulk([r["expense_type"] for r in rows if r.get("expense_type")])
    customers = Customer.objects.in_bulk([r["customer"] for r in rows if r.get("customer")])
    opportunities = Opportunity.objects.in_bulk([r["opportunity"] for r in rows if r.get("opportunity")])
    resolved = []
    for row in rows:
        line = {**row, "expense_type": types.get(row.get("expense_type"))}
        line["customer"] = customers.get(row.get("customer"), MISSING if row.get("customer") else None)
        line["opportunity"] = opportunities.get(row.get("opportunity"), MISSING if row.get("opportunity") else None)
        resolved.append(line)
    return resolved


def _write(actor, claim: ExpenseClaim, data: dict, lines: list[dict]) -> None:
    claim.title = text(data.get("title"), 100)
    if not claim.title:
        raise ValidationFailed(fields={"title": [_("Give the claim a title.")]})
    if not lines:
        raise ValidationFailed(fields={"lines": [_("Add at least one expense.")]})
    if len(lines) > MAX_LINES:
        raise ValidationFailed(fields={"lines": [_("At most %(count)d expenses per claim.") % {"count": MAX_LINES}]})
    kept = {line.pk: line for line in claim.lines.all()} if claim.pk else {}
    checked = [_line(actor, index, line, kept) for index, line in enumerate(lines)]
    claim.total = sum((line.amount for line in checked), Decimal(0))
    claim.save()
    keep_ids = [line.pk for line in checked if line.pk]
    ExpenseLine.objects.filter(claim=claim).exclude(pk__in=keep_ids).delete()
    for line in checked:
        line.claim = claim
        line.save()


@transaction.atomic
def claim_create(*, actor, data: dict, lines: list[dict]) -> ExpenseClaim:
    access_for(actor).require(f"{CLAIM}.create")
    claim = ExpenseClaim(claimant=actor, number=next_number("expense_claim", "BX"))
    _write(actor, claim, data, lines)
    audit_create(actor=actor, instance=claim, fields=["number", "title", "total"])
    return claim


@transaction.atomic
def claim_update(*, actor, claim: ExpenseClaim, data: dict, lines: list[dict]) -> ExpenseClaim:
    """Change a draft (one never submitted, or returned by its approvers)."""
    _own(actor, claim, "edit")
    ensure_editable(CLAIM_DOCUMENT, claim)
    claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.DRAFT:
        raise Conflict(_("Only a draft claim can change."), code="not_draft")
    before = claim.total
    _write(actor, claim, data, lines)
    audit_update(actor=actor, instance=claim, changes={"total": [before, claim.total]} if before != claim.total
                 else {"title": [None, claim.title]})
    return claim


@transaction.atomic
def claim_delete(*, actor, claim: ExpenseClaim) -> None:
    _own(actor, claim, "delete")
    ensure_editable(CLAIM_DOCUMENT, claim)
    if not ExpenseClaim.objects.filter(pk=claim.pk, status=ClaimStatus.DRAFT).exists():
        raise Conflict(_("Only a draft claim can be deleted."), code="not_draft")
    audit_delete(actor=actor, instance=claim, fields=["number", "title", "total"])
    claim.delete()


@transaction.atomic
def claim_submit(*, actor, claim: ExpenseClaim):
    """Into the expense claims' approval flow that applies; with none, approved at once."""
    _own(actor, claim, "edit")
    claim = ExpenseClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != ClaimStatus.DRAFT:
        raise Conflict(_("Only a draft claim can be submitted."), code="not_draft")
    return approval_submit(actor=actor, document_type=CLAIM_DOCUMENT, obj=claim)


def claim_submitted(claim: ExpenseClaim) -> None:
    ExpenseClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.IN_APPROVAL, returned_reason="")
    claim.status, claim.returned_reason = ClaimStatus.IN_APPROVAL, ""


def claim_decided(claim: ExpenseClaim, approval, status: str) -> None:
    """Approved, or back to draft with the approvers' reason (rejected or withdrawn)."""
    if status:
        claim.status, claim.returned_reason = ClaimStatus.APPROVED, ""
    else:
        claim.status, claim.returned_reason = ClaimStatus.DRAFT, (approval.reason if approval else "")[:500]
    ExpenseClaim.objects.filter(pk=claim.pk).update(status=claim.status, returned_reason=claim.returned_reason)


@transaction.atomic
def claim_pay(*, actor, claim: ExpenseClaim, paid: bool = True, paid_on: datetime.date | None = None) -> ExpenseClaim:
    """Finance marks an approved claim paid (or unpaid again, a correction)."""
    access_for(actor).require(f"{CLAIM}.pay")
    access_for(actor).check(CLAIM, "view", claim)
    paid_on = (paid_on or timezone.localdate()) if paid else None
    updated = ExpenseClaim.objects.filter(pk=claim.pk, status=ClaimStatus.APPROVED, paid=not paid).update(
        paid=paid, paid_on=paid_on, paid_by=actor if paid else None)
    if not updated:
        raise Conflict(_("Only an approved claim can be marked paid, and only once."), code="not_payable")
    audit_update(actor=actor, instance=claim, changes={"paid": [not paid, paid]})
    claim.paid, claim.paid_on = paid, paid_on
    return claim


@transaction.atomic
def line_receipt_attach(*, actor, claim: ExpenseClaim, line_id, upload) -> ExpenseLine:
    """A receipt photo or PDF for one line of a draft claim (the API's way to send files)."""
    _own(actor, claim, "edit")
    ensure_editable(CLAIM_DOCUMENT, claim)
    line = ExpenseLine.objects.select_for_update().filter(pk=line_id, claim=claim).first()
    if line is None:
        raise NotFound()
    if not ExpenseClaim.objects.filter(pk=claim.pk, status=ClaimStatus.DRAFT).exists():
        raise Conflict(_("Only a draft claim can change."), code="not_draft")
    if not upload:
        raise ValidationFailed(fields={"file": [_("Choose a file.")]})
    line.receipt_type = check_upload(upload, allowed=RECEIPT_KINDS)
    line.receipt = upload
    line.save(update_fields=["receipt", "receipt_type"])
    audit_update(actor=actor, instance=claim, changes={"receipt": [None, line.receipt.name]})
    return line
