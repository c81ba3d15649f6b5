"""A contract's lines (issue 16 §3): priced like a quote's, changed while the contract is a draft; while
it has lines, the contract's amount is their sum, written under the contract's row lock together
with the lines, never below what its payment plans already promise."""

from django.db import transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals.services import ensure_editable
from crm.audit.services import audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.customers.models import Contract, ContractStatus
from crm.customers.permissions import CONTRACT
from crm.sales.models import ContractLine
from crm.sales.services.lines import lines_total, priced_lines
from crm.sales.services.money import MAX_AMOUNT, locked

CONTRACT_DOCUMENT = "contract"  # crm.customers.approval_types


@transaction.atomic
def contract_lines_save(*, actor, contract: Contract, lines) -> Contract:
    """Replace the draft contract's lines (an empty list removes them: the amount is then typed again)."""
    access_for(actor).check_parent(CONTRACT, "edit", contract.customer)
    ensure_editable(CONTRACT_DOCUMENT, contract)
    row = locked(contract)
    if row.status != ContractStatus.DRAFT:
        raise Conflict(_("Only a draft contract's lines can change."), code="not_draft")
    priced = priced_lines(lines) if lines else []
    total = lines_total(priced) if priced else row.amount
    if total > MAX_AMOUNT:
        raise ValidationFailed(fields={"lines": [_("The total is too large.")]})
    if total < row.planned_amount:
        message = _("The payment plans already add up to %(planned)s; lower them first.")
        raise ValidationFailed(fields={"lines": [message % {"planned": row.planned_amount}]})
    ContractLine.objects.filter(contract=row).delete()
    ContractLine.objects.bulk_create([ContractLine(contract=row, **line) for line in priced])
    before = (row.amount, row.has_lines)
    Contract.objects.filter(pk=row.pk).update(amount=total, has_lines=bool(priced))
    contract.amount, contract.has_lines = total, bool(priced)
    audit_update(actor=actor, instance=contract, changes={
        "amount": [str(before[0]), str(total)], "lines": [before[1], len(priced)]})
    return contract
