"""Derived data kept in step with every write: the name key, pinyin, search tokens and the
duplicate keys (crm.customers.normalise, crm.customers.tokens)."""

from django.db.models import Value
from django.db.models.functions import Coalesce

from crm.customers import normalise, tokens
from crm.customers.models import Contact, Customer, CustomerKey, DuplicateMode, KeyKind
from crm.customers.services.duplicates import Rules

# Which key kind each duplicate rule governs (the similar-name rule has no key of its own).
RULE_KEY_KINDS = {
    "name": KeyKind.NAME,
    "phone": KeyKind.PHONE,
    "email": KeyKind.EMAIL,
    "credit_code": KeyKind.CREDIT_CODE,
}


def blocked_key_kinds() -> set[str]:
    """Key kinds whose rule is "block": the customer's own keys of these kinds are enforced unique."""
    rules = Rules.load()
    return {kind for rule, kind in RULE_KEY_KINDS.items() if rules.mode(rule) == DuplicateMode.BLOCK}


def derive_name(customer: Customer) -> list[str]:
    """Set name_key, name_pinyin, name_initials; returns the pinyin syllables for the tokens."""
    syllables = tokens.pinyin_syllables(customer.name)
    customer.name_key = normalise.name_key(customer.name)[:100]
    customer.name_pinyin = "".join(syllables)[:200]
    customer.name_initials = "".join(s[0] for s in syllables)[:100]
    return syllables


def compute_tokens(customer: Customer, contacts, syllables: list[str] | None = None) -> str:
    phones = [customer.phone] + [p for c in contacts for p in (c.mobile, c.office_phone) if p]
    return tokens.document_tokens(
        name=customer.name,
        syllables=syllables,
        names=[c.name for c in contacts],
        phones=[normalise.phone_key(p) for p in phones if p],
        words=[customer.number, customer.credit_code],
    )


def own_key_values(customer: Customer) -> list[tuple[str, str]]:
    """(kind, value) of the customer record's own keys (not its contacts')."""
    name_key = customer.name_key or normalise.name_key(customer.name)
    brand, sound = normalise.brand_keys(name_key)
    values = [
        (KeyKind.NAME, name_key),
        (KeyKind.PHONE, normalise.phone_key(customer.phone)),
        (KeyKind.EMAIL, normalise.email_key(customer.email)),
        (KeyKind.CREDIT_CODE, normalise.credit_code_key(customer.credit_code)),
        (KeyKind.BRAND, brand),
        (KeyKind.BRAND_SOUND, sound),
    ]
    return [(kind, value[:120]) for kind, value in values if value]


def own_keys(customer: Customer, enforced_kinds: set[str]) -> list[CustomerKey]:
    """The customer record's own keys, as unsaved instances."""
    return [
        CustomerKey(customer=customer, kind=kind, value=value, enforced=kind in enforced_kinds)
        for kind, value in own_key_values(customer)
    ]


def contact_keys(contact: Contact) -> list[CustomerKey]:
    values = {
        (KeyKind.PHONE, normalise.phone_key(contact.mobile)),
        (KeyKind.PHONE, normalise.phone_key(contact.office_phone)),
        (KeyKind.EMAIL, normalise.email_key(contact.email)),
    }
    return [
        CustomerKey(customer_id=contact.customer_id, contact=contact, kind=kind, value=value[:120])
        for kind, value in sorted(values)
        if value
    ]


def own_keys_delete(customer: Customer) -> None:
    """Delete the customer record's own keys. The condition on the contact is written so that no
    index can answer it: with ANALYZE statistics SQLite otherwise reads the keys through the
    contact index (`contact_id IS NULL`: the own keys of every customer, a third of the table)
    instead of the customer's."""
    CustomerKey.objects.alias(own=Coalesce("contact_id", Value(0))).filter(customer=customer, own=0).delete()


def write_own_keys(
    customer: Customer, enforced_kinds: set[str] | None = None, *, strict: bool = True, new: bool = False
) -> None:
    """Replace the customer's own keys (`new`: a customer just inserted has none to replace).
    Raises IntegrityError when an enforced key is taken by another customer; with strict=False
    such a key is stored unenforced instead (a merge keeps a duplicate that existed before the
    rule was switched on)."""
    enforced = blocked_key_kinds() if enforced_kinds is None else enforced_kinds
    if not new:
        own_keys_delete(customer)
    keys = own_keys(customer, enforced)
    if not strict:
        taken = {
            (kind, value)
            for kind, value in CustomerKey.objects.filter(enforced=True, value__in=[k.value for k in keys])
            .exclude(customer=customer)
            .values_list("kind", "value")
        }
        for key in keys:
            if (key.kind, key.value) in taken:
                key.enforced = False
    CustomerKey.objects.bulk_create(keys)


def write_contact_keys(contact: Contact, *, new: bool = False) -> None:
    """Replace the contact's keys (`new`: a contact just inserted has none to replace)."""
    if not new:
        CustomerKey.objects.filter(contact=contact).delete()
    CustomerKey.objects.bulk_create(contact_keys(contact))


def derive_tokens(customer: Customer) -> None:
    """Set the customer's search tokens from it and its contacts (read in one query), unsaved."""
    contacts = list(Contact.objects.filter(customer=customer).only("name", "mobile", "office_phone"))
    syllables = tokens.pinyin_syllables(customer.name)
    customer.search_tokens = compute_tokens(customer, contacts, syllables)


def refresh_tokens(customer: Customer) -> None:
    """Recompute the search tokens after the customer or one of its contacts changed."""
    derive_tokens(customer)
    Customer.objects.filter(pk=customer.pk).update(search_tokens=customer.search_tokens)


def refresh_tokens_bulk(customers: list[Customer], syllables: dict | None = None) -> None:
    """Recompute many customers' search tokens (their contacts read in one query), unsaved;
    `syllables`: their names' pinyin by customer id, where known."""
    contacts: dict[int, list] = {}
    for contact in Contact.objects.filter(customer_id__in=[c.pk for c in customers]).only(
        "customer_id", "name", "mobile", "office_phone"
    ):
        contacts.setdefault(contact.customer_id, []).append(contact)
    for customer in customers:
        pinyin = (syllables or {}).get(customer.pk)
        customer.search_tokens = compute_tokens(customer, contacts.get(customer.pk, []), pinyin)
