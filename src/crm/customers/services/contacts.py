"""Contacts (CUS-3): many per customer, one of them primary. Their phones and e-mails feed the
duplicate check and the search."""

from django.db import transaction

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.services import full_clean, model_update
from crm.customers import normalise
from crm.customers.custom_fields import clean_custom_values
from crm.customers.models import Contact, Customer, EventKind
from crm.customers.permissions import CONTACT
from crm.customers.services import indexing
from crm.customers.services.events import event_record

CONTACT_FIELDS = ["name", "gender", "position", "office_phone", "mobile", "email", "birthday", "is_primary", "notes"]


def _clean(data: dict, allowed: set[str]) -> dict:
    values = {
        k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in CONTACT_FIELDS and k in allowed
    }
    for name in ("office_phone", "mobile"):
        if values.get(name) and normalise.is_valid_phone(values[name]):
            values[name] = normalise.format_phone(values[name])
    return values


def _make_primary(contact: Contact) -> None:
    Contact.objects.filter(customer_id=contact.customer_id, is_primary=True).exclude(pk=contact.pk).update(
        is_primary=False
    )


@transaction.atomic
def contact_create(*, actor, customer: Customer, data: dict, custom: dict | None = None) -> Contact:
    access_for(actor).check_parent(CONTACT, "create", customer)
    allowed = set(CONTACT_FIELDS) - access_for(actor).hidden_fields(CONTACT) - access_for(actor).masked_fields(CONTACT)
    contact = Contact(customer=customer, created_by=actor, **_clean(data, allowed))
    contact.custom = clean_custom_values("contact", custom or {})
    if not Contact.objects.filter(customer=customer).exists():
        contact.is_primary = True  # the first contact is the primary one
    if contact.is_primary:
        _make_primary(contact)  # first, or the one-primary constraint refuses the new contact
    # The actor may edit the customer (asked above) and is the creator: neither needs looking up.
    full_clean(contact, exclude=["created_by"])
    contact.save()
    indexing.write_contact_keys(contact, new=True)
    indexing.refresh_tokens(customer)
    audit_create(actor=actor, instance=contact, fields=[*CONTACT_FIELDS, "customer"])
    event_record(
        customer=customer, kind=EventKind.CONTACT, actor=actor, summary=contact.name, data={"added": contact.pk}
    )
    return contact


@transaction.atomic
def contact_update(*, actor, contact: Contact, data: dict, custom: dict | None = None) -> Contact:
    customer = contact.customer
    access_for(actor).check_parent(CONTACT, "edit", customer)
    allowed = set(CONTACT_FIELDS) - access_for(actor).readonly_fields(CONTACT)
    values = _clean(data, allowed)
    if values.get("is_primary") and not contact.is_primary:
        _make_primary(contact)  # first, or the one-primary constraint refuses the change
    changes = model_update(instance=contact, data=values, fields=list(values))
    if custom is not None:
        new_custom = clean_custom_values("contact", custom, current=contact.custom)
        if new_custom != contact.custom:
            changes["custom"] = [contact.custom, new_custom]
            contact.custom = new_custom
            contact.save(update_fields=["custom", "updated_at"])
    if changes.get("is_primary", [None, False])[1]:
        _make_primary(contact)
    if {"office_phone", "mobile", "email", "name"} & set(changes):
        indexing.write_contact_keys(contact)
        indexing.refresh_tokens(customer)
    audit_update(actor=actor, instance=contact, changes=changes)
    return contact


@transaction.atomic
def contact_delete(*, actor, contact: Contact) -> None:
    customer = contact.customer
    access_for(actor).check_parent(CONTACT, "delete", customer)
    audit_delete(actor=actor, instance=contact, fields=[*CONTACT_FIELDS, "customer"])
    was_primary = contact.is_primary
    name = contact.name
    contact.delete()
    if was_primary:
        successor = Contact.objects.filter(customer=customer).order_by("id").first()
        if successor:
            Contact.objects.filter(pk=successor.pk).update(is_primary=True)
    indexing.refresh_tokens(customer)
    event_record(customer=customer, kind=EventKind.CONTACT, actor=actor, summary=name, data={"removed": name})

