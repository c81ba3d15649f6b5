"""Creating and changing customers many at a time: the set-based twin of customer_create and
customer_update, for imports (IMP-1, CUS-1, CUS-8).

Creating: each customer is drafted first (`customer_draft`: its values, name key and pinyin,
search tokens but for its number, duplicate keys and audit entry; no query, so an import drafts
its next rows while the database takes the rows before), then the drafts are written together
(`customers_create_bulk`): their numbers as one reserved block, the customers by COPY without
Model.__init__ (crm.core.bulk, ADR 0014), then their keys, "created" events and audit entries as
plain rows: a fixed number of queries whatever their number. Changing: `customer_change` lays
values over a customer (no query), `customers_update_bulk` writes the changed ones with their
keys, tokens, events and audit entries.

A customer stored this way equals one stored by customer_create (tests/test_bulk_parity.py).
Unlike customer_create these ask nothing: the caller has checked rights, managers and duplicates
for the whole set, as the import does per batch. Model.clean() is not run for new customers: the
caller's converters check what it would (phones, e-mail, credit code, postcode, a name that is
more than a legal form), and it would compute the name key a second time (≈0.1 ms a row).
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.core.bulk import insert_rows, insert_values, new_row
from crm.core.errors import ValidationFailed
from crm.core.numbering import next_numbers
from crm.customers.custom_fields import clean_custom_values
from crm.customers.models import Contact, Customer, CustomerKey, EventKind
from crm.customers.services import indexing
from crm.customers.services.customers import (
    AUDIT_FIELDS,
    KEY_FIELDS,
    NUMBER_KEY,
    NUMBER_PREFIX,
    created_changes,
    editing_refused,
)
from crm.customers.services.events import events_record_bulk

# Not checked by clean_fields on a change: relations (given as objects, checked by the caller),
# and what a change leaves alone.
_CLEAN_EXCLUDE = [f.name for f in Customer._meta.get_fields() if f.is_relation] + ["number", "custom", "external_id"]
_KEPT = {"number", "external_id", "manager"}  # a change keeps them: the manager changes by handover
_TOKEN_FIELDS = {"name", "phone", "credit_code"}


@dataclass(frozen=True)
class Origin:
    """Where a set of writes comes from, as their timeline events and audit entries say."""

    summary: str = ""  # the events' summary (an import: its file's name)
    data: dict = field(default_factory=dict)  # the events' data
    message: str = ""  # the audit entries' message


@dataclass
class Draft:
    """A customer to create: everything but its number, and what is wrong with it."""

    customer: Customer
    problems: list  # (field, message): it may not be created
    syllables: list
    tokens: list  # its search tokens but for its number (indexing.finish_tokens adds it)
    keys: list  # its own duplicate keys: (kind, value)
    changes: dict  # its audit entry but for its number


@dataclass
class Change:
    """A customer with values laid over it (customer_change)."""

    customer: Customer
    changes: dict  # {field: [before, after]}, for the audit
    problems: list  # (field, message): it may not be saved; the customer is left as it was
    syllables: list | None = None  # the new name's pinyin, when the name changed


def _split_custom(values: dict) -> tuple[dict, dict]:
    fields, custom = {}, {}
    for key, value in values.items():
        if key.startswith("custom."):
            custom[key[7:]] = value
        else:
            fields[key] = value
    return fields, custom


def _problems(exc) -> list:
    fields = exc.fields if isinstance(exc, ValidationFailed) else exc.message_dict
    return [(key if key != "__all__" else "", message) for key, messages in fields.items() for message in messages]


def customer_draft(*, actor, values: dict, definitions=None) -> Draft:
    """The customer `values` would create: model fields by name (relations as objects, the
    manager a user, default the actor), custom fields as "custom.<key>". Runs no query when the
    custom field `definitions` are given."""
    fields, custom = _split_custom(values)
    manager = fields.pop("manager", None) or actor
    customer = new_row(Customer, manager=manager, created_by=actor if getattr(actor, "pk", None) else None)
    for key, value in fields.items():
        setattr(customer, key, value)
    problems = []
    try:
        customer.custom = clean_custom_values("customer", custom, defs=definitions)
    except ValidationFailed as exc:
        problems = _problems(exc)
    syllables = indexing.derive_name(customer)
    return Draft(
        customer=customer,
        problems=problems,
        syllables=syllables,
        tokens=indexing.draft_tokens(customer, syllables),
        keys=indexing.own_key_values(customer),
        changes=created_changes(customer),
    )


def customers_create_bulk(*, actor, drafts: list[Draft], origin: Origin) -> list[Customer]:
    """Store the drafted customers (their problems solved); returns them, numbered and saved."""
    if not drafts:
        return []
    enforced = indexing.blocked_key_kinds()
    by_customer = {}
    for draft, number in zip(drafts, next_numbers(NUMBER_KEY, NUMBER_PREFIX, len(drafts)), strict=True):
        draft.customer.number = number
        by_customer[id(draft.customer)] = draft
    keys, audits = [], []

    def finish(customer) -> None:  # while the database takes the customers sent before
        draft = by_customer[id(customer)]
        customer.search_tokens = indexing.finish_tokens(draft.tokens, customer.number)
        keys.extend((customer.pk, kind, value, kind in enforced) for kind, value in draft.keys)
        audits.append((customer.pk, customer.name, {"number": [None, customer.number], **draft.changes}))

    customers = insert_rows(Customer, [draft.customer for draft in drafts], each=finish)
    insert_values(CustomerKey, ("customer_id", "kind", "value", "enforced"), keys)
    ids = [customer.pk for customer in customers]
    events_record_bulk(customer_ids=ids, kind=EventKind.CREATED, actor=actor, summary=origin.summary, data=origin.data)
    audit_records_bulk(actor=actor, action=AuditAction.CREATE, model=Customer, rows=audits, message=origin.message)
    return customers


def customer_change(*, customer: Customer, values: dict, may_manage: bool, definitions=None) -> Change:
    """Lay `values` (as customer_draft takes them) over `customer`, but its number, external ID
    and manager. Refused for a customer not in status normal unless `may_manage` (CUS-2)."""
    refused = editing_refused(customer, may_manage=may_manage)
    if refused:
        return Change(customer=customer, changes={}, problems=[("", refused)])
    before = {f.attname: getattr(customer, f.attname) for f in Customer._meta.concrete_fields}
    fields, custom = _split_custom(values)
    for key, value in fields.items():
        if key not in _KEPT:
            setattr(customer, key, value)
    change = Change(customer=customer, changes={}, problems=[])
    if custom:
        try:
            customer.custom = clean_custom_values("customer", custom, current=customer.custom, defs=definitions)
        except ValidationFailed as exc:
            change.problems = _problems(exc)
    if customer.name != before["name"]:
        change.syllables = indexing.derive_name(customer)
    try:
        customer.clean_fields(exclude=_CLEAN_EXCLUDE)
        customer.clean()
    except ValidationError as exc:
        failed = {key for key, _message in change.problems}
        change.problems += [(key, message) for key, message in _problems(exc) if key not in failed]
    if change.problems:
        for attname, value in before.items():
            setattr(customer, attname, value)
        return change
    audited = {*AUDIT_FIELDS, "name_key", "name_pinyin", "name_initials"}
    for f in Customer._meta.concrete_fields:
        if f.name in audited and before[f.attname] != getattr(customer, f.attname):
            change.changes[f.name] = [before[f.attname], getattr(customer, f.attname)]
    return change


def customers_update_bulk(*, actor, changes: list[Change], origin: Origin) -> None:
    """Save the changed customers (their problems solved) with their keys, tokens, events and audit."""
    changes = [change for change in changes if change.changes]
    if not changes:
        return
    now = timezone.now()
    fields: set[str] = {"updated_at"}
    for change in changes:
        change.customer.updated_at = now
        fields |= set(change.changes)
    retoken = [change for change in changes if _TOKEN_FIELDS & set(change.changes)]
    if retoken:
        contacts: dict[int, list] = {}
        for contact in Contact.objects.filter(customer_id__in=[c.customer.pk for c in retoken]).only(
            "customer_id", "name", "mobile", "office_phone"
        ):
            contacts.setdefault(contact.customer_id, []).append(contact)
        for change in retoken:
            customer = change.customer
            customer.search_tokens = indexing.compute_tokens(customer, contacts.get(customer.pk, []), change.syllables)
        fields.add("search_tokens")
    Customer.objects.bulk_update([change.customer for change in changes], sorted(fields), batch_size=500)
    rekey = [change.customer for change in changes if KEY_FIELDS & set(change.changes)]
    if rekey:
        enforced = indexing.blocked_key_kinds()
        CustomerKey.objects.filter(customer_id__in=[c.pk for c in rekey], contact__isnull=True).delete()
        CustomerKey.objects.bulk_create([k for c in rekey for k in indexing.own_keys(c, enforced)], batch_size=2000)
    events_record_bulk(
        customer_ids=[change.customer.pk for change in changes],
        kind=EventKind.UPDATED,
        actor=actor,
        summary=origin.summary,
        data=origin.data,
    )
    audit_records_bulk(
        actor=actor,
        action=AuditAction.UPDATE,
        model=Customer,
        rows=[(change.customer.pk, change.customer.name, change.changes) for change in changes],
        message=origin.message,
    )
