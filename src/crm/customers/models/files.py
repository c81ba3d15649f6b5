"""Attachments (CUS-12) and contracts (CUS-16)."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import TimeStampedModel
from crm.core.states import StateMachine


def attachment_path(instance, filename: str) -> str:
    """Stored under a random name: the original name is kept in the row, never used as a path."""
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix[:10]}"


class AttachmentKind(models.TextChoices):
    QUOTE = "quote", _("Quote")
    CONTRACT = "contract", _("Contract")
    OTHER = "other", _("Other")


class Attachment(models.Model):
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="attachments", verbose_name=_("customer")
    )
    contract = models.ForeignKey(
        "customers.Contract", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=AttachmentKind.choices, default=AttachmentKind.OTHER)
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    content_type = models.CharField(max_length=100)
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["customer", "-id"], name="attachment_customer_idx")]

    def __str__(self) -> str:
        return self.original_name


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_APPROVAL = "in_approval", _("In approval")
    SIGNED = "signed", pgettext_lazy("contract status", "Signed")
    ACTIVE = "active", _("In force")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")
    VOID = "void", pgettext_lazy("contract status", "Void")


# The contract's status flow (ADR 0018's state machines as data). "In approval" is entered only by
# submitting (crm.approvals decides where it goes next); the closed statuses never change again.
CONTRACT_STATES = StateMachine(
    ContractStatus,
    [
        ("sign", [ContractStatus.DRAFT], ContractStatus.SIGNED),
        ("activate", [ContractStatus.DRAFT, ContractStatus.SIGNED], ContractStatus.ACTIVE),
        ("complete", [ContractStatus.ACTIVE], ContractStatus.COMPLETED),
        ("terminate", [ContractStatus.SIGNED, ContractStatus.ACTIVE], ContractStatus.TERMINATED),
        ("void", [ContractStatus.DRAFT, ContractStatus.SIGNED, ContractStatus.ACTIVE], ContractStatus.VOID),
    ],
    labels={"sign": _("Sign"), "activate": _("Put in force"), "complete": _("Complete"),
            "terminate": _("Terminate"), "void": _("Void")},
)
CLOSED_CONTRACT = (ContractStatus.COMPLETED, ContractStatus.TERMINATED, ContractStatus.VOID)
# Leaving by these needs a reason, kept on the contract.
REASON_ACTIONS = ("terminate", "void")


class Contract(TimeStampedModel):
    number = models.CharField(_("number"), max_length=30, unique=True, editable=False)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("customer")
    )
    title = models.CharField(_("title"), max_length=100)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=14, decimal_places=2)
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    start_on = models.DateField(_("starts on"), null=True, blank=True)
    end_on = models.DateField(_("ends on"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices, default=ContractStatus.DRAFT)
    status_reason = models.CharField(_("reason"), max_length=200, blank=True,
                                     help_text=_("Why the contract was terminated or voided."))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("owner"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    # Running totals kept by crm.sales under the contract's row lock, so lists filter and sort on
    # them ("not fully paid") without summing a million payments.
    planned_amount = models.DecimalField(_("planned"), max_digits=14, decimal_places=2, default=0, editable=False)
    received_amount = models.DecimalField(_("received"), max_digits=14, decimal_places=2, default=0, editable=False)
    invoiced_amount = models.DecimalField(_("invoiced"), max_digits=14, decimal_places=2, default=0, editable=False)
    # True while crm.sales keeps the amount as the sum of the contract's lines.
    has_lines = models.BooleanField(default=False, editable=False)
    # The expiry reminders (crm.sales.jobs), each sent once: ahead of the end date, and after it.
    expiry_reminded = models.BooleanField(default=False, editable=False)
    expired_reminded = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["customer", "-id"], name="contract_customer_idx"),
            models.Index(fields=["status", "-id"], name="contract_status_idx"),
            models.Index(fields=["signed_on"], name="contract_signed_idx"),
            models.Index(fields=["amount"], name="contract_amount_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def clean(self) -> None:
        errors = {}
        if self.amount is not None and self.amount < 0:
            errors["amount"] = [_("The amount cannot be negative.")]
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = [_("The end date is before the start date.")]
        if errors:
            raise ValidationError(errors)


class ContractStatusRule(models.Model):
    """What a contract must have before it may enter a status (issue 16 §3), set by administrators:
    field names of the contract and the requirements other apps register (crm.customers.contract_rules)."""

    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices, primary_key=True)
    required = models.JSONField(_("required"), default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("contract status rule")
        verbose_name_plural = _("contract status rules")

    def __str__(self) -> str:
        return self.get_status_display()
