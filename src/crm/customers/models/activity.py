"""What happens with a customer: follow-ups (CUS-5), interaction records (CUS-4), and the timeline
of events every lifecycle step writes (created, shared, handed over, claimed, merged …)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.core.models import TimeStampedModel
from crm.customers.timeline import EventType, event_type, register_event_type
from crm.dictionary.models import dictionary_fk


class FollowUp(models.Model):
    """One contact made with a customer (跟进): how, what, the result, and when to follow up next."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="followups", verbose_name=_("customer")
    )
    contact = models.ForeignKey(
        "customers.Contact",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="followups",
        verbose_name=_("contact"),
    )
    method = dictionary_fk("followup_method", verbose_name=_("method"), null=False)
    content = models.TextField(_("content"))
    result = models.CharField(_("result"), max_length=500, blank=True)
    followed_at = models.DateTimeField(_("time"), default=timezone.now)
    next_followup_on = models.DateField(_("next follow-up"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-followed_at", "-id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        indexes = [
            models.Index(fields=["customer", "-followed_at"], name="followup_customer_idx"),
            models.Index(fields=["created_by", "-followed_at"], name="followup_author_idx"),
            # The work report's month of everybody's follow-ups (crm.reports.work), read from the index
            # alone on PostgreSQL (elsewhere `include` is left out).
            models.Index(fields=["followed_at"], include=["created_by", "customer"], name="followup_date_idx"),
        ]

    def __str__(self) -> str:
        return self.content[:50]


class Interaction(TimeStampedModel):
    """A notable event with a customer (交往记录, s003/5 §3.2.1.3): date, place, summary, detail."""

    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="interactions", verbose_name=_("customer")
    )
    occurred_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)
    summary = models.CharField(_("summary"), max_length=200)
    detail = models.TextField(_("detail"), blank=True)
    notes = models.CharField(_("notes"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["-occurred_on", "-id"]
        verbose_name = _("interaction record")
        verbose_name_plural = _("interaction records")
        indexes = [models.Index(fields=["customer", "-occurred_on"], name="interaction_customer_idx")]

    def __str__(self) -> str:
        return self.summary


class EventKind(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Updated")
    FOLLOWUP = "followup", _("Follow-up")
    INTERACTION = "interaction", _("Interaction record")
    CONTACT = "contact", _("Contact")
    SHARED = "shared", _("Shared")
    HANDED_OVER = "handed_over", _("Handed over")
    CLAIMED = "claimed", _("Claimed from the pool")
    ASSIGNED = "assigned", _("Assigned from the pool")
    RELEASED = "released", _("Released to the pool")
    RETURNED = "returned", _("Returned to the pool")
    MERGED = "merged", _("Merged")
    STATUS = "status", _("Status changed")
    ATTACHMENT = "attachment", _("Attachment")
    CONTRACT = "contract", _("Contract")
    TRANSFER = "transfer", _("Transfer request")


for _kind in EventKind:
    register_event_type(EventType(kind=_kind.value, label=_kind.label))


class CustomerEvent(models.Model):
    """One step in a customer's life, shown on its timeline (Saleor's OrderEvent)."""

    # The customer is covered by the (customer, time) index; users are never deleted, only marked left.
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="events", db_index=False)
    kind = models.CharField(_("kind"), max_length=20)  # EventKind, or another app's (crm.customers.timeline)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    summary = models.CharField(_("summary"), max_length=300)
    data = models.JSONField(default=dict, blank=True)  # {field: [before, after]} or kind-specific facts
    created_at = models.DateTimeField(_("time"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["customer", "-created_at", "-id"], name="customer_event_idx")]

    def __str__(self) -> str:
        return self.summary

    def get_kind_display(self) -> str:
        return str(event_type(self.kind).label)

    @property
    def link(self) -> str | None:
        make = event_type(self.kind).link
        return make(self) if make else None
