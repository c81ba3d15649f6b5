"""Receipts and invoice requests (issue 16 §4–6) as exports (the lists as filtered on screen), and
receipts as an import: a bank statement's lines recorded against contracts the importer may work on.

Each imported receipt goes through the same service as one typed in (receipt_create: the contract's
row lock, the excess reason, matching to instalments, an approval flow for receipts), one row at a
time inside the batch's transaction: money rules stay in one place, and a statement is hundreds of
lines, not millions. What is read per batch is set-based: the contracts in one query, the bank
references already recorded in another, so the same statement imported twice records nothing twice."""

from decimal import Decimal

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.core.errors import DomainError
from crm.customers.models import Contract
from crm.customers.selectors.related import contract_list
from crm.imports import registry
from crm.imports.exports import Column
from crm.imports.values import Lookups
from crm.sales.forms import ReceiptFilterForm
from crm.sales.models import InvoiceStatus, PaymentMethod, Receipt
from crm.sales.permissions import INVOICE, RECEIPT
from crm.sales.selectors import invoice_list, receipt_list
from crm.sales.services.payments import CLOSED, receipt_create

F = registry.FieldSpec


class ReceiptImport(registry.ImportType):
    code = "receipts"
    label = _("Receipts")
    resource = RECEIPT

    def fields(self) -> list[registry.FieldSpec]:
        return [
            F("contract", _("Contract"), ("合同编号", "合同", "contract"), required=True, max_length=30,
              help=_("The contract's number (HT…)."), example="HT000001"),
            F("amount", _("Amount (CNY)"), ("金额", "回款金额", "amount"), required=True, kind=registry.DECIMAL,
              max_digits=14, decimal_places=2, example="50000.00"),
            F("received_on", _("Received on"), ("回款日期", "到账日期", "日期", "received_on"), required=True,
              kind=registry.DATE, example="2026-11-20"),
            F("method", _("Method"), ("回款方式", "方式", "method"), kind=registry.CHOICE,
              choices=tuple(PaymentMethod.choices), allow_default=True, initial=PaymentMethod.TRANSFER,
              example=str(PaymentMethod.TRANSFER.label)),
            F("account", _("Receiving account"), ("收款账户", "账户", "account"), max_length=100),
            F("reference", _("Bank reference"), ("银行流水号", "流水号", "reference"), max_length=60,
              help=_("A receipt with the same reference on the same contract is not recorded twice.")),
            F("over_reason", _("Reason for the excess"), ("超额原因", "over_reason"), max_length=200),
            F("notes", _("Notes"), ("备注", "notes"), max_length=200),
        ]

    def check_access(self, access) -> None:
        access.require(f"{RECEIPT}.create")

    def begin(self, ctx) -> None:
        ctx.lookups = Lookups()

    def validate(self, ctx, row) -> None:
        for spec in self.fields():
            if spec.required and row.values.get(spec.key) in (None, ""):
                row.fail(spec.key, gettext("This field is required."))
        amount = row.values.get("amount")
        if amount is not None and amount <= 0:
            row.fail("amount", gettext("Enter an amount above zero."))

    def write(self, ctx, rows) -> None:
        valid = [row for row in rows if row.ok]
        numbers = {str(row.values["contract"]).strip().upper() for row in valid}
        contracts = {c.number: c for c in contract_list(user=ctx.actor).filter(number__in=numbers)
                     .select_related("customer")}
        recorded = set(Receipt.objects.filter(contract__in=contracts.values()).exclude(reference="")
                       .values_list("contract_id", "reference"))
        received = {c.pk: c.received_amount for c in contracts.values()}  # what a dry run adds up
        for row in valid:
            contract = contracts.get(str(row.values["contract"]).strip().upper())
            reference = (row.values.get("reference") or "").strip()
            if contract is None:
                row.fail("contract", gettext("No contract you may see has this number."))
            elif reference and (contract.pk, reference) in recorded:
                row.outcome, row.message = registry.SKIPPED, gettext("Already recorded (same bank reference).")
            elif ctx.dry_run:
                self._check(contract, row, received)
            else:
                self._record(ctx, contract, row)
            if reference and contract is not None:
                recorded.add((contract.pk, reference))

    def _check(self, contract: Contract, row, received: dict) -> None:
        """The preview: the rules receipt_create applies, on the totals so far."""
        received[contract.pk] += Decimal(row.values["amount"])
        if contract.status in CLOSED:
            row.fail("contract", gettext("The contract is closed; its payments cannot change."))
        elif received[contract.pk] > contract.amount and not row.values.get("over_reason"):
            row.fail("over_reason", gettext("More than the contract amount is received: give the reason."))
        else:
            row.outcome = registry.CREATED

    def _record(self, ctx, contract: Contract, row) -> None:
        try:
            receipt = receipt_create(actor=ctx.actor, contract=contract, data=row.values)
        except DomainError as exc:
            for key, messages in (exc.fields or {"contract": [exc.message]}).items():
                for message in messages if isinstance(messages, list | tuple) else [messages]:
                    row.fail(key if key in ctx.fields else "contract", message)
        else:
            row.outcome, row.record_id = registry.CREATED, receipt.pk


registry.register(ReceiptImport())

RECEIPT_COLUMNS = (
    Column("number", _("Number")),
    Column("received_on", _("Received on")),
    Column("contract.customer.name", _("Customer")),
    Column("contract.number", _("Contract")),
    Column("amount", _("Amount (CNY)")),
    Column("get_method_display", _("Method")),
    Column("account", _("Receiving account")),
    Column("reference", _("Bank reference")),
    Column("get_status_display", _("Status")),
    Column("over_reason", _("Reason for the excess")),
)
INVOICE_COLUMNS = (
    Column("number", _("Number")),
    Column("contract.number", _("Contract")),
    Column("buyer_name", _("Invoice title")),
    Column("buyer_tax_id", _("Taxpayer ID")),
    Column("amount", _("Amount (CNY)")),
    Column("get_kind_display", _("Invoice type")),
    Column("tax_rate", _("Tax rate")),
    Column("get_status_display", _("Status")),
    Column("invoice_no", _("Invoice number")),
    Column("issued_on", _("Issued on")),
)


def receipts_query(actor, params):
    form = ReceiptFilterForm(params or None)
    filters = form.cleaned_data if form.is_valid() else {}
    return receipt_list(user=actor, filters=filters), list(RECEIPT_COLUMNS)


def invoices_query(actor, params):
    status = (params or {}).get("status")
    filters = {"status": status} if status in InvoiceStatus.values else {}
    return invoice_list(user=actor, filters=filters), list(INVOICE_COLUMNS)


registry.register_export(
    registry.ExportSource(code="receipts", label=_("Receipts"), resource=RECEIPT, query=receipts_query)
)
registry.register_export(
    registry.ExportSource(code="invoices", label=_("Invoices"), resource=INVOICE, query=invoices_query)
)
