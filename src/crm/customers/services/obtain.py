"""The customer a won opportunity or a converted lead names (OPP-7, OPP-13): the one that exists
already, else a new one; never a second copy.

Other apps call this instead of customer_create: they know a name, a contact and a phone, not a
customer. The exact keys (the normalised name, the phone) are locked for the rest of the
transaction before they are looked up, so two deals won at once for one company end with one
customer."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Case, IntegerField, Q, Value, When

from crm.access.engine import access_for
from crm.audit.services import audit_create
from crm.core.services import full_clean
from crm.customers import normalise
from crm.customers.models import Contact, Customer, CustomerKey, EventKind, KeyKind
from crm.customers.permissions import CONTACT, CUSTOMER
from crm.customers.services import duplicates, indexing
from crm.customers.services.customers import customer_create
from crm.customers.services.events import event_record
from crm.dictionary.selectors import items

# A new customer's ratings until the account manager knows better (the form asks them).
_NEW_CUSTOMER_DEFAULTS = {"satisfaction": 3, "credit": 3}
# A found contact needs only a name; what the contact form asks besides (gender, position,
# office phone) is completed later by the account manager.
_CONTACT_UNKNOWN = ["gender", "position", "office_phone"]


@dataclass
class Obtained:
    customer: Customer
    created: bool  # a new customer, not one found
    contact: Contact | None  # the contact added, if it was not there yet


def _probe_keys(actor, name: str, phone: str) -> list[tuple[str, str]]:
    keys = [(KeyKind.NAME, normalise.name_key(name))]
    # A phone the actor sees masked is not looked for: finding it would confirm a guess.
    if not access_for(actor).concealed_fields(CUSTOMER) & {"phone"}:
        keys.append((KeyKind.PHONE, normalise.phone_key(phone)))
    return [(kind, value[:120]) for kind, value in keys if value]


def _existing(keys: list[tuple[str, str]]) -> Customer | None:
    """The customer holding one of the keys, one found by name first."""
    if not keys:
        return None
    condition = Q()
    for kind, value in keys:
        condition |= Q(kind=kind, value=value)
    rows = CustomerKey.objects.filter(condition)
    rank = Case(When(kind=KeyKind.NAME, then=Value(0)), default=Value(1), output_field=IntegerField())
    customer_id = rows.annotate(rank=rank).order_by("rank", "customer_id").values_list("customer_id", flat=True).first()
    return Customer.objects.filter(pk=customer_id).first() if customer_id else None


def _add_contact(actor, customer: Customer, name: str, phone: str) -> Contact | None:
    name = name.strip()
    if not name or Contact.objects.filter(customer=customer, name=name).exists():
        return None
    contact = Contact(customer=customer, name=name, created_by=actor)
    if phone:
        phone = normalise.format_phone(phone) if normalise.is_valid_phone(phone) else phone
        if normalise.is_mobile(phone):
            contact.mobile = phone
        else:
            contact.office_phone = phone
    contact.is_primary = not Contact.objects.filter(customer=customer).exists()
    full_clean(contact, exclude=_CONTACT_UNKNOWN)
    contact.save()
    indexing.write_contact_keys(contact)
    indexing.refresh_tokens(customer)
    audit_create(actor=actor, instance=contact, fields=["name", "mobile", "office_phone", "customer"])
    event_record(customer=customer, kind=EventKind.CONTACT, actor=actor, summary=name, data={"added": contact.pk})
    return contact


@transaction.atomic
def customer_obtain(
    *, actor, name: str, contact_name: str = "", contact_phone: str = "", manager=None, data: dict | None = None
) -> Obtained:
    """The existing customer with this name (or, failing that, this phone), else a new one with
    `data` (region, level …) owned by `manager`; the contact is added to it unless it has one of
    that name. Refused like customer_create when the new customer breaks a blocking duplicate rule."""
    access_for(actor).require(f"{CUSTOMER}.view")
    name, contact_phone = name.strip(), contact_phone.strip()
    keys = _probe_keys(actor, name, contact_phone)
    duplicates.keys_lock(keys)
    customer = _existing(keys)
    created = customer is None
    if created:
        values = {**_NEW_CUSTOMER_DEFAULTS, "name": name, "phone": contact_phone, **(data or {})}
        values.setdefault("level", items("customer_level").first())
        customer = customer_create(actor=actor, data=values, manager=manager, confirm_duplicates=True)
    hidden = access_for(actor).concealed_fields(CONTACT)
    contact = _add_contact(actor, customer, contact_name, "" if hidden & {"mobile", "office_phone"} else contact_phone)
    return Obtained(customer=customer, created=created, contact=contact)


def customer_existing(*, actor, name: str, phone: str = "") -> Customer | None:
    """The customer customer_obtain would link to now (for the page that asks first)."""
    return _existing(_probe_keys(actor, name.strip(), phone.strip()))
