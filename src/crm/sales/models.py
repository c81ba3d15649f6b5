"""Money on contracts (issue 16 §4–5): payment plans 回款计划 (instalments with a due date and an
owner), receipts 回款记录 (money actually received, matched to instalments by allocations, partial
payments allowed), the buyer's invoicing details 开票信息 (one per customer, reused), and invoice
requests 开票申请. The contract's running totals (planned, received, invoiced) live on the contract
row and change only under its lock (crm.sales.services)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import TimeStampedModel
from crm.core.states import StateMachine

MONEY = {"max_digits": 14, "decimal_places": 2}


class PaymentPlan(TimeStampedModel):
    contract = models.ForeignKey(
        "customers.Contract", on_delete=models.CASCADE, related_name="payment_plans", verbose_name=_("contract")
    )
    sequence = models.PositiveSmallIntegerField(_("instalment"))
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    due_on = models.DateField(_("due on"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    received = models.DecimalField(_("received"), default=0, editable=False, **MONEY)
    # Reminders sent: before the due date, and once overdue (crm.sales.jobs), each once.
    due_reminded = models.BooleanField(default=False, editable=False)
    overdue_reminded = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["contract", "sequence"]
        verbose_name = _("payment plan")
        verbose_name_plural = _("payment plans")
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="paymentplan_sequence_unique"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="paymentplan_amount_positive"),
        ]
        indexes = [models.Index(fields=["due_on"], name="paymentplan_due_idx")]

    def __str__(self) -> str:
        return f"{self.contract_id}#{self.sequence}"

    @property
    def outstanding(self):
        return self.amount - self.received


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("Bank transfer")
    BILL = "bill", _("Bank acceptance bill")
    CHEQUE = "cheque", _("Cheque")
    CASH = "cash", _("Cash")
    ONLINE = "online", _("Online payment")
    OTHER = "other", _("Other")


class ReceiptStatus(models.TextChoices):
    IN_APPROVAL = "in_approval", _("In approval")
    CONFIRMED = "confirmed", pgettext_lazy("receipt", "Confirmed")
    REJECTED = "rejected", pgettext_lazy("receipt", "Rejected")


class Receipt(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    contract = models.ForeignKey(
        "customers.Contract", on_delete=models.PROTECT, related_name="receipts", verbose_name=_("contract")
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    received_on = models.DateField(_("received on"))
    method = models.CharField(
        _("method"), max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.TRANSFER
    )
    account = models.CharField(_("account"), max_length=100, blank=True)
    reference = models.CharField(_("bank reference"), max_length=60, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    # Why money beyond the contract amount was accepted (required then).
    over_reason = models.CharField(_("reason for the excess"), max_length=200, blank=True)
    # The instalment this receipt pays first (the rest by due date); kept for a receipt in approval.
    first_plan = models.ForeignKey(
        PaymentPlan, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("instalment")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ReceiptStatus.choices, default=ReceiptStatus.CONFIRMED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="receipt_amount_positive")]
        indexes = [
            models.Index(fields=["contract", "-id"], name="receipt_contract_idx"),
            models.Index(fields=["-received_on", "-id"], name="receipt_date_idx"),
        ]

    def __str__(self) -> str:
        return self.number


class Allocation(models.Model):
    """The part of a receipt that pays one instalment."""

    receipt = models.ForeignKey(Receipt, on_delete=models.CASCADE, related_name="allocations")
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="allocations")
    amount = models.DecimalField(**MONEY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["receipt", "plan"], name="allocation_unique")]


class InvoicingDetails(TimeStampedModel):
    """The buyer's invoicing details 开票信息 (工商抬头), one set per customer, reused by its invoices."""

    customer = models.OneToOneField(
        "customers.Customer", on_delete=models.CASCADE, related_name="invoicing", verbose_name=_("customer")
    )
    name = models.CharField(_("invoice title"), max_length=100)
    tax_id = models.CharField(_("taxpayer ID"), max_length=20)
    address = models.CharField(_("registered address"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    bank = models.CharField(_("bank"), max_length=100, blank=True)
    account = models.CharField(_("bank account"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("invoicing details")
        verbose_name_plural = _("invoicing details")

    def __str__(self) -> str:
        return self.name


class InvoiceKind(models.TextChoices):
    NORMAL = "normal", _("VAT normal invoice (增值税普通发票)")
    SPECIAL = "special", _("VAT special invoice (增值税专用发票)")


TAX_RATES = [("0", "0%"), ("1", "1%"), ("3", "3%"), ("5", "5%"), ("6", "6%"), ("9", "9%"), ("13", "13%")]


class InvoiceStatus(models.TextChoices):
    IN_APPROVAL = "in_approval", _("In approval")
    REQUESTED = "requested", _("Requested")
    ISSUED = "issued", _("Issued")
    RETURNED = "returned", _("Returned")
    REJECTED = "rejected", pgettext_lazy("invoice", "Rejected")


INVOICE_STATES = StateMachine(
    InvoiceStatus,
    [
        ("issue", [InvoiceStatus.REQUESTED], InvoiceStatus.ISSUED),
        ("return", [InvoiceStatus.REQUESTED, InvoiceStatus.ISSUED], InvoiceStatus.RETURNED),
    ],
    labels={"issue": _("Mark as issued"), "return": _("Return")},
)
# Requests that count against the contract amount.
COUNTED_INVOICES = (InvoiceStatus.IN_APPROVAL, InvoiceStatus.REQUESTED, InvoiceStatus.ISSUED)


class Invoice(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    contract = models.ForeignKey(
        "customers.Contract", on_delete=models.PROTECT, related_name="invoices", verbose_name=_("contract")
    )
    amount = models.DecimalField(_("amount (CNY)"), **MONEY)
    kind = models.CharField(_("invoice type"), max_length=10, choices=InvoiceKind.choices, default=InvoiceKind.NORMAL)
    tax_rate = models.CharField(_("tax rate"), max_length=3, choices=TAX_RATES, default="13")
    items = models.CharField(_("items"), max_length=500, blank=True)
    # The buyer's details as they were when the invoice was requested.
    buyer_name = models.CharField(_("invoice title"), max_length=100)
    buyer_tax_id = models.CharField(_("taxpayer ID"), max_length=20)
    buyer_address = models.CharField(_("registered address"), max_length=200, blank=True)
    buyer_phone = models.CharField(_("phone"), max_length=30, blank=True)
    buyer_bank = models.CharField(_("bank"), max_length=100, blank=True)
    buyer_account = models.CharField(_("bank account"), max_length=40, blank=True)
    over_reason = models.CharField(_("reason for the excess"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=InvoiceStatus.choices, default=InvoiceStatus.REQUESTED
    )
    invoice_no = models.CharField(_("invoice number"), max_length=30, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    return_reason = models.CharField(_("reason for the return"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="invoice_amount_positive")]
        indexes = [
            models.Index(fields=["contract", "-id"], name="invoice_contract_idx"),
            models.Index(fields=["status", "-id"], name="invoice_status_idx"),
        ]

    def __str__(self) -> str:
        return self.number


# --- quotes 报价单 (issue 16 §2) ---------------------------------------------------------------------------
class QuoteStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    APPROVED = "approved", pgettext_lazy("quote", "Ready to send")
    ACCEPTED = "accepted", pgettext_lazy("quote", "Accepted")
    DECLINED = "declined", pgettext_lazy("quote", "Declined")
    CONVERTED = "converted", pgettext_lazy("quote", "Converted to a contract")


QUOTE_STATES = StateMachine(
    QuoteStatus,
    [
        ("accept", [QuoteStatus.APPROVED], QuoteStatus.ACCEPTED),
        ("decline", [QuoteStatus.APPROVED], QuoteStatus.DECLINED),
        ("convert", [QuoteStatus.ACCEPTED], QuoteStatus.CONVERTED),
    ],
    labels={"accept": _("Accepted by the customer"), "decline": _("Declined by the customer"),
            "convert": _("Convert into a contract")},
)


class Quote(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="quotes", verbose_name=_("customer")
    )
    opportunity = models.ForeignKey(
        "opportunities.Opportunity", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes",
        verbose_name=_("opportunity"),
    )
    title = models.CharField(_("title"), max_length=100)
    valid_until = models.DateField(_("valid until"))
    tax_rate = models.CharField(_("tax rate"), max_length=3, choices=TAX_RATES, default="13")
    subtotal = models.DecimalField(_("subtotal"), default=0, editable=False, **MONEY)
    tax = models.DecimalField(_("tax"), default=0, editable=False, **MONEY)
    total = models.DecimalField(_("total"), default=0, editable=False, **MONEY)
    max_discount = models.DecimalField(_("largest discount (%)"), max_digits=5, decimal_places=2, default=0,
                                       editable=False)
    notes = models.TextField(_("terms and notes"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=QuoteStatus.choices, default=QuoteStatus.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("owner"),
    )
    contract = models.ForeignKey(
        "customers.Contract", null=True, blank=True, on_delete=models.SET_NULL, related_name="quotes",
        verbose_name=_("contract"),
    )
    expiry_reminded = models.BooleanField(default=False, editable=False)
    expired_reminded = models.BooleanField(default=False, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        indexes = [
            models.Index(fields=["customer", "-id"], name="quote_customer_idx"),
            models.Index(fields=["valid_until"], name="quote_valid_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"


class PricedLine(models.Model):
    """A priced line, the same on a quote and a contract (crm.sales.services.lines prices it)."""

    position = models.PositiveSmallIntegerField()
    product = models.ForeignKey(
        "orders.Product", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("product"),
    )
    description = models.CharField(_("item"), max_length=200)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=3)
    unit_price = models.DecimalField(_("unit price"), **MONEY)
    discount = models.DecimalField(_("discount (%)"), max_digits=5, decimal_places=2, default=0)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        abstract = True


class QuoteLine(PricedLine):
    quote = models.ForeignKey(Quote, on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["quote", "position"]
        constraints = [models.UniqueConstraint(fields=["quote", "position"], name="quoteline_position_unique")]


class ContractLine(PricedLine):
    """A line of a contract (issue 16 §3), priced like a quote's; while a contract has lines, its amount
    is their sum (crm.sales.services.contract_lines)."""

    contract = models.ForeignKey("customers.Contract", on_delete=models.CASCADE, related_name="lines")

    class Meta:
        ordering = ["contract", "position"]
        constraints = [models.UniqueConstraint(fields=["contract", "position"], name="contractline_position_unique")]


class PrintTemplate(models.Model):
    """An administrator's template for printing a document type (quote, contract): HTML with placeholders."""

    key = models.CharField(max_length=30, primary_key=True)
    body = models.TextField(_("template"))
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
