"""Creating and changing customers many at a time, for imports (IMP-1, CUS-1, CUS-8): the
set-based twin of customer_create and customer_update, storing what they store
(tests/test_bulk_parity.py).

`customer_draft` makes a customer from values without a query (an import drafts its next rows
while the database takes the rows before); `customers_create_bulk` stores drafts together: their
numbers as one block, the customers by COPY without Model.__init__ (crm.core.bulk, ADR 0014), their
tokens, keys, events and audit entries worked out while the database takes the rows, and written
as plain rows. `customer_change` lays values over a customer; `customers_update_bulk` saves the
changed ones. A fixed number of queries whatever their number. Unlike customer_create these ask
nothing: the caller checked rights, managers and duplicates for the whole set. Model.clean() is
not run for new customers: the caller's converters check what it would, and it would compute the
name key a second time (≈0.1 ms a row).
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
from crm.customers.models import Customer, CustomerKey, EventKind
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
    """A customer to create, all but its number, and what is wrong with it."""

    customer: Customer
    problems: list  # (field, message): it may not be created
    syllables: list  # its name's pinyin, for its search tokens


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
    return Draft(customer=customer, problems=problems, syllables=indexing.derive_name(customer))


def customers_create_bulk(*, actor, drafts: list[Draft], origin: Origin) -> list[Customer]:
    """Store the drafted customers (their problems solved); returns them, numbered and saved."""
    if not drafts:
        return []
    enforced = indexing.blocked_key_kinds()
    syllables = {}
    for draft, number in zip(drafts, next_numbers(NUMBER_KEY, NUMBER_PREFIX, len(drafts)), strict=True):
        draft.customer.number = number
        syllables[id(draft.customer)] = draft.syllables
    keys, audits = [], []

    def finish(customer) -> None:  # while the database takes the customers sent before
        customer.search_tokens = indexing.compute_tokens(customer, [], syllables[id(customer)])
        keys.extend((customer.pk, kind, value, kind in enforced) for kind, value in indexing.own_key_values(customer))
        audits.append((customer.pk, customer.name, created_changes(customer)))

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
        indexing.refresh_tokens_bulk([c.customer for c in retoken], {c.customer.pk: c.syllables for c in retoken})
        fields.add("search_tokens")
    Customer.objects.bulk_update([change.customer for change in changes], sorted(fields), batch_size=500)
    rekey = [change.customer for change in changes if KEY_FIELDS & set(change.changes)]
    if rekey:
        enforced = indexing.blocked_key_kinds()
        CustomerKey.objects.filter(customer_id__in=[c.pk for c in rekey], contact__isnull=True).delete()
        CustomerKey.objects.bulk_create([k for c in rekey for k in indexing.own_keys(c, enforced)], batch_size=2000)
    ids = [change.customer.pk for change in changes]
    events_record_bulk(customer_ids=ids, kind=EventKind.UPDATED, actor=actor, summary=origin.summary, data=origin.data)
    rows = [(change.customer.pk, change.customer.name, change.changes) for change in changes]
    audit_records_bulk(actor=actor, action=AuditAction.UPDATE, model=Customer, rows=rows, message=origin.message)
