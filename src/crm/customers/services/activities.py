"""Follow-ups (CUS-5) and interaction records (CUS-4).

Recording a follow-up is the most frequent thing a salesperson does (s003/1 §3.2): one dialog,
one service call. It updates the customer's last and next follow-up dates, which the workbench,
the list filters and the pool rules read.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import ValidationFailed
from crm.core.services import full_clean, model_update
from crm.customers.models import Customer, EventKind, FollowUp, Interaction
from crm.customers.permissions import FOLLOWUP, INTERACTION
from crm.customers.services.events import event_record
from crm.customers.services.followup_tally import followup_day_add, followup_tally_added, followup_tally_refresh

FOLLOWUP_FIELDS = ["contact", "method", "content", "result", "followed_at", "next_followup_on"]
INTERACTION_FIELDS = ["occurred_on", "place", "summary", "detail", "notes"]


def _strip(data: dict, fields) -> dict:
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in fields}


DATE_FIELDS = {"followed_at", "next_followup_on"}  # what the customer's follow-up dates come from


def _refresh_followup_dates(customer: Customer) -> None:
    """The customer's last follow-up time and the next date its latest follow-up planned (the
    latest one's time is the last time)."""
    latest = (
        FollowUp.objects.filter(customer=customer)
        .order_by("-followed_at", "-id")
        .values("followed_at", "next_followup_on")
        .first()
    )
    Customer.objects.filter(pk=customer.pk).update(
        last_followup_at=latest["followed_at"] if latest else None,
        next_followup_on=latest["next_followup_on"] if latest else None,
        pool_warned_at=None,
    )


@transaction.atomic
def followup_create(*, actor, customer: Customer, data: dict) -> FollowUp:
    access_for(actor).check_parent(FOLLOWUP, "create", customer)
    values = _strip(data, FOLLOWUP_FIELDS)
    if not values.get("followed_at"):
        values["followed_at"] = timezone.now()
    followup = FollowUp(customer=customer, created_by=actor, **values)
    if followup.next_followup_on and followup.next_followup_on < timezone.localdate():
        raise ValidationFailed(fields={"next_followup_on": [_("The next follow-up cannot be in the past.")]})
    if followup.contact_id and followup.contact.customer_id != customer.pk:
        raise ValidationFailed(fields={"contact": [_("The contact belongs to another customer.")]})
    # The actor may edit the customer (asked above) and is the creator: neither needs looking up.
    full_clean(followup, exclude=["customer", "created_by"])
    followup.save()
    _refresh_followup_dates(customer)  # locks the customer's row: the tally's writers take turns
    followup_tally_added(followup)
    followup_day_add(followup, +1)
    audit_create(actor=actor, instance=followup, fields=[*FOLLOWUP_FIELDS, "customer"])
    event_record(
        customer=customer,
        kind=EventKind.FOLLOWUP,
        actor=actor,
        summary=followup.content,
        data={"followup": followup.pk, "method": followup.method.entry, "next": followup.next_followup_on},
    )
    return followup


@transaction.atomic
def followup_update(*, actor, followup: FollowUp, data: dict) -> FollowUp:
    access_for(actor).check_parent(FOLLOWUP, "edit", followup.customer)
    values = _strip(data, FOLLOWUP_FIELDS)
    changes = model_update(instance=followup, data=values, fields=list(values))
    if DATE_FIELDS & set(changes):
        _refresh_followup_dates(followup.customer)
    if "followed_at" in changes:
        followup_tally_refresh([followup.customer_id])
        followup_day_add(followup, -1, at=changes["followed_at"][0])
        followup_day_add(followup, +1)
    audit_update(actor=actor, instance=followup, changes=changes)
    return followup


@transaction.atomic
def followup_delete(*, actor, followup: FollowUp) -> None:
    customer = followup.customer
    access_for(actor).check_parent(FOLLOWUP, "delete", customer)
    audit_delete(actor=actor, instance=followup, fields=[*FOLLOWUP_FIELDS, "customer"])
    followup.delete()
    _refresh_followup_dates(customer)
    followup_tally_refresh([customer.pk])
    followup_day_add(followup, -1)


@transaction.atomic
def interaction_create(*, actor, customer: Customer, data: dict) -> Interaction:
    access_for(actor).check_parent(INTERACTION, "create", customer)
    interaction = Interaction(customer=customer, created_by=actor, **_strip(data, INTERACTION_FIELDS))
    full_clean(interaction)
    interaction.save()
    audit_create(actor=actor, instance=interaction, fields=[*INTERACTION_FIELDS, "customer"])
    event_record(
        customer=customer,
        kind=EventKind.INTERACTION,
        actor=actor,
        summary=interaction.summary,
        data={"interaction": interaction.pk, "date": interaction.occurred_on, "place": interaction.place},
    )
    return interaction


@transaction.atomic
def interaction_update(*, actor, interaction: Interaction, data: dict) -> Interaction:
    """Editable; required fields cannot be blanked (s003/5 §3.2.1.3): model validation refuses."""
    access_for(actor).check_parent(INTERACTION, "edit", interaction.customer)
    values = _strip(data, INTERACTION_FIELDS)
    changes = model_update(instance=interaction, data=values, fields=list(values))
    audit_update(actor=actor, instance=interaction, changes=changes)
    return interaction


@transaction.atomic
def interaction_delete(*, actor, interaction: Interaction) -> None:
    access_for(actor).check_parent(INTERACTION, "delete", interaction.customer)
    audit_delete(actor=actor, instance=interaction, fields=[*INTERACTION_FIELDS, "customer"])
    interaction.delete()
