"""Duplicate keys (CUS-8), ownership-transfer requests after a blocked create, merge records (CUS-9)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class KeyKind(models.TextChoices):
    NAME = "name", _("Name")
    PHONE = "phone", _("Telephone")
    EMAIL = "email", _("E-mail")
    CREDIT_CODE = "credit_code", _("Unified social credit code")
    # The brand (字号) of the name and its sound: where similar names are looked for (no rule of their own).
    BRAND = "brand", _("Brand")
    BRAND_SOUND = "brand_sound", _("Brand sound")


# Keys that make two records the same company (the merge page's groups); the brand keys only
# make them candidates for a similar name.
MATCHING_KINDS = (KeyKind.NAME, KeyKind.PHONE, KeyKind.EMAIL, KeyKind.CREDIT_CODE)
BRAND_KINDS = (KeyKind.BRAND, KeyKind.BRAND_SOUND)


class CustomerKey(models.Model):
    """A normalised key of a customer (its name, a phone, an e-mail, its credit code).

    Keys of the customer record itself may be `enforced`: for the kinds whose duplicate rule is
    "block", the partial unique index lets only one customer hold a key, so two concurrent
    creates of the same company cannot both succeed. Contacts' phones and e-mails are looked up
    (to warn) but never enforced: several customers may share a switchboard.
    """

    # Covered by the (customer, kind) index below.
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="keys", db_index=False)
    contact = models.ForeignKey("customers.Contact", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=KeyKind.choices)
    value = models.CharField(max_length=120)
    enforced = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "value"], name="customer_key_lookup_idx"),
            models.Index(fields=["customer", "kind"], name="customer_key_customer_idx"),
            # The newest customers of a brand without visiting the table (an index-only scan).
            models.Index(
                fields=["kind", "value", "customer"],
                condition=models.Q(kind__in=["brand", "brand_sound"]),
                name="customer_key_brand_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "value"], condition=models.Q(enforced=True), name="customer_key_enforced_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.value}"


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


class TransferRequest(models.Model):
    """A salesperson blocked by a duplicate asks the owner's supervisor for the customer."""

    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="transfer_requests")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    approver = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    status = models.CharField(
        _("status"), max_length=10, choices=TransferStatus.choices, default=TransferStatus.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("transfer request")
        verbose_name_plural = _("transfer requests")
        indexes = [models.Index(fields=["approver", "status", "-id"], name="transfer_approver_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "requester"],
                condition=models.Q(status="pending"),
                name="transfer_one_pending_per_requester",
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer} → {self.requester}"


class MergeRecord(models.Model):
    """A customer folded into another (CUS-9): what it was, where its records went."""

    target = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="merge_records")
    merged_id = models.BigIntegerField()
    merged_number = models.CharField(max_length=30, db_index=True)
    merged_name = models.CharField(max_length=100)
    snapshot = models.JSONField(default=dict)
    moved = models.JSONField(default=dict)  # {"customers.Contact": 3, …}
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.merged_number} → {self.target_id}"
