"""Creating, editing and deleting customers (CUS-1, CUS-2, CUS-14, CUS-15), with the duplicate
check (CUS-8) on every create and every change of the name, phone, e-mail or credit code. Many at
a time (imports): crm.customers.services.bulk."""

import json
from decimal import Decimal

from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import (
    audit_delete,
    audit_record,
    audit_records_select,
    audit_update,
    snapshot,
)
from crm.core.bulk import json_array_sql, json_object_sql, rows_select
from crm.core.errors import Conflict, ValidationFailed
from crm.core.numbering import next_number
from crm.core.services import full_clean, unchanged_lookups
from crm.customers import normalise
from crm.customers.custom_fields import clean_custom_values
from crm.customers.fields import ENTERED
from crm.customers.models import Contract, Customer, CustomerStatus, EventKind, FollowUp
from crm.customers.models.customer import STATUS_FLOW
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.scope import assignable_managers, customer_queryset
from crm.customers.services import duplicates, indexing
from crm.customers.services.events import event_record, events_record_bulk
from crm.customers.services.followup_tally import followup_days_remove

NUMBER_KEY = "customer"
NUMBER_PREFIX = "KH"
CUSTOMER_FIELDS = ENTERED  # what people enter on the form, in the API and the import
KEY_FIELDS = {"name", "phone", "email", "credit_code"}
AUDIT_FIELDS = [*CUSTOMER_FIELDS, "number", "external_id", "manager", "pool", "status", "custom"]


def _clean_text(data: dict) -> dict:
    cleaned = {}
    for name, value in data.items():
        cleaned[name] = value.strip() if isinstance(value, str) else value
    return cleaned


def _as_stored(data: dict) -> None:
    """Phones in their stored format, amounts with their two stored places (so the audit entry
    says 500.00, as an import's does)."""
    for name in ("phone", "fax"):
        if data.get(name) and normalise.is_valid_phone(data[name]):
            data[name] = normalise.format_phone(data[name])
    for name in ("registered_capital", "annual_revenue"):
        if isinstance(data.get(name), Decimal) and data[name].is_finite():
            data[name] = data[name].quantize(Decimal("0.01"))


def created_changes(instance, fields=AUDIT_FIELDS) -> dict:
    """A new record's audit changes: the values it was given, empty ones left out (100,000
    imported customers keep their audit rows small; a create is audited alike on every path)."""
    return {
        name: [None, value] for name, value in snapshot(instance, fields).items() if value not in (None, "", {}, [])
    }


def _check_manager(actor, manager) -> None:
    if manager is None:
        raise ValidationFailed(fields={"manager": [_("Choose an account manager.")]})
    if not assignable_managers(actor).filter(pk=manager.pk).exists():
        raise ValidationFailed(
            fields={"manager": [_("Choose an active user within your own data scope as the manager.")]}
        )


def _duplicates(actor, customer: Customer, *, confirmed: bool, exclude_id=None, rules=None):
    # Until this transaction ends, a twin being written elsewhere waits here, or is found.
    duplicates.keys_lock(indexing.own_key_values(customer))
    report = duplicates.duplicate_find(
        actor=actor,
        name=customer.name,
        phone=customer.phone,
        email=customer.email,
        credit_code=customer.credit_code,
        exclude_id=exclude_id,
        rules=rules,
    )
    duplicates.raise_for_duplicates(report, actor=actor, confirmed=confirmed)


def _write_keys(actor, customer: Customer, rules, *, new: bool = False) -> None:
    """The customer's keys; a key a concurrent create took first (block rule) is a Conflict."""
    try:
        with transaction.atomic():
            indexing.write_own_keys(customer, new=new)
    except IntegrityError as exc:
        report = duplicates.duplicate_find(
            actor=actor,
            name=customer.name,
            phone=customer.phone,
            email=customer.email,
            credit_code=customer.credit_code,
            exclude_id=customer.pk,
            rules=rules,
        )
        details = duplicates.report_details(report, actor=actor) if report else {}
        raise Conflict(_("This customer was just created by someone else."), code="duplicate", details=details) from exc


@transaction.atomic
def customer_create(
    *,
    actor,
    data: dict,
    manager=None,
    tags=(),
    custom: dict | None = None,
    confirm_duplicates: bool = False,
    external_id: str | None = None,
) -> Customer:
    """A new customer owned by `manager` (default: the actor); `external_id` is its id in another
    system (the ERP), by which API clients and imports find it again."""
    access = access_for(actor)
    access.require(f"{CUSTOMER}.create")
    hidden = access.concealed_fields(CUSTOMER)
    values = {k: v for k, v in _clean_text(data).items() if k in CUSTOMER_FIELDS and k not in hidden}
    _as_stored(values)
    manager = manager or actor
    _check_manager(actor, manager)
    customer = Customer(manager=manager, created_by=actor if getattr(actor, "pk", None) else None, **values)
    customer.external_id = (external_id or "").strip() or None
    customer.custom = clean_custom_values("customer", custom or {})
    syllables = indexing.derive_name(customer)
    # The manager was checked above (an active user in the actor's scope), the creator is the actor.
    full_clean(customer, exclude=["number", "manager", "created_by"])
    rules = duplicates.Rules.load()
    _duplicates(actor, customer, confirmed=confirm_duplicates, rules=rules)
    customer.number = next_number(NUMBER_KEY, NUMBER_PREFIX)
    customer.search_tokens = indexing.compute_tokens(customer, [], syllables)
    customer.save()
    _write_keys(actor, customer, rules, new=True)
    if tags:
        customer.tags.set(tags)
    audit_record(actor=actor, action=AuditAction.CREATE, instance=customer, changes=created_changes(customer))
    event_record(customer=customer, kind=EventKind.CREATED, actor=actor)
    return customer


@transaction.atomic
def customer_upsert(*, actor, external_id: str, create, update) -> tuple[Customer, bool]:
    """The ERP's upsert: `update(customer)` the customer in the actor's scope with this external
    id, else `create()` one; (customer, created). Upserts of one id wait for each other (the id is
    locked like a duplicate key), so of two at once one creates and the other updates. An id held
    by a customer outside the actor's scope is taken: 409."""
    duplicates.keys_lock([("external_id", external_id)])
    existing = customer_queryset(actor).filter(external_id=external_id).first()
    if existing is not None:
        return update(existing), False
    if Customer.objects.filter(external_id=external_id).exists():
        raise Conflict(_("A customer outside your data scope already has this external ID."), code="external_id_taken")
    return create(), True


def require_editable(actor, customer: Customer) -> None:
    """Edit rights on this record, and CUS-2: only customers in status normal are edited by
    their manager; other statuses need "edit customers in any status"."""
    access = access_for(actor)
    access.check(CUSTOMER, "edit", customer)
    refused = editing_refused(customer, may_manage=access.can(f"{CUSTOMER}.manage"))
    if refused:
        raise Conflict(refused, code="not_editable")


def editing_refused(customer: Customer, *, may_manage: bool) -> str:
    """Why the customer may not be edited (CUS-2), or ""."""
    if customer.status == CustomerStatus.NORMAL or may_manage:
        return ""
    return _("Only customers in status normal can be edited; this one is “%(status)s”.") % {
        "status": customer.get_status_display()
    }


@transaction.atomic
def customer_update(
    *,
    actor,
    customer: Customer,
    data: dict,
    tags=None,
    custom: dict | None = None,
    confirm_duplicates: bool = False,
    external_id: str | None = None,
) -> Customer:
    """Change a customer's own fields (the manager changes by handover, the status by its own
    actions). Fields the actor's field rules protect are left as they are. `external_id`: None
    leaves it, "" clears it."""
    customer = Customer.objects.select_for_update().get(pk=customer.pk)
    require_editable(actor, customer)
    access = access_for(actor)
    protected = access.readonly_fields(CUSTOMER)
    values = {k: v for k, v in _clean_text(data).items() if k in CUSTOMER_FIELDS and k not in protected}
    _as_stored(values)
    key_change = any(name in values and values[name] != getattr(customer, name) for name in KEY_FIELDS)
    compared = [Customer._meta.get_field(name) for name in [*CUSTOMER_FIELDS, "external_id"]]
    stored = {field.name: getattr(customer, field.attname) for field in compared}  # as read, locked
    for name, value in values.items():
        setattr(customer, name, value)
    changes = {}
    if custom is not None:
        new_custom = clean_custom_values("customer", custom, current=customer.custom)
        if new_custom != customer.custom:
            changes["custom"] = [customer.custom, new_custom]
            customer.custom = new_custom
    if external_id is not None:
        customer.external_id = external_id.strip() or None
    for field in compared:
        after = getattr(customer, field.attname)
        if stored[field.name] != after:
            changes[field.name] = [stored[field.name], after]
    saved = [name for name in changes if name != "tags"]
    if "name" in changes:
        indexing.derive_name(customer)
        saved += ["name_key", "name_pinyin", "name_initials"]
    # What the edit left as it was is valid as stored (a dozen look-ups less on every save).
    full_clean(customer, exclude=unchanged_lookups(customer, changes))
    rules = duplicates.Rules.load()
    if key_change:
        _duplicates(actor, customer, confirmed=confirm_duplicates, exclude_id=customer.pk, rules=rules)
    if changes:
        if {"name", "phone", "credit_code"} & set(changes):
            indexing.derive_tokens(customer)
            saved.append("search_tokens")
        # Only the changed columns: on SQLite an UPDATE naming search_tokens rewrites the row's
        # full-text entries, changed or not.
        customer.save(update_fields=[*saved, "updated_at"])
        if key_change:
            _write_keys(actor, customer, rules)
    if tags is not None:
        before_tags = sorted(customer.tags.values_list("pk", flat=True))
        after_tags = sorted({tag.pk for tag in tags})
        if before_tags != after_tags:
            customer.tags.set(tags)
            changes["tags"] = [before_tags, after_tags]
    if changes:
        audit_update(actor=actor, instance=customer, changes=changes)
        event_record(customer=customer, kind=EventKind.UPDATED, actor=actor, data={"fields": sorted(changes)})
    return customer


@transaction.atomic
def customer_delete(*, actor, customer: Customer) -> None:
    """Delete a customer with its contacts and activities; one with contracts, or with records of
    other modules that keep it (opportunities, services …), is kept: the answer names them."""
    access = access_for(actor)
    access.require(f"{CUSTOMER}.delete")
    access.check(CUSTOMER, "delete", customer)
    if Contract.objects.filter(customer=customer).exists():
        raise Conflict(_("The customer has contracts and cannot be deleted."), code="has_contracts")
    audit_delete(actor=actor, instance=customer, fields=AUDIT_FIELDS)
    try:
        with transaction.atomic():
            followup_days_remove(FollowUp.objects.filter(customer=customer))  # deleted with it below
            customer.delete()
    except ProtectedError as exc:  # any module's PROTECT reference, present or future
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in exc.protected_objects})
        raise Conflict(
            _("The customer still has %(records)s and cannot be deleted.") % {"records": _(", ").join(kinds)},
            code="in_use",
        ) from exc


@transaction.atomic
def customer_set_status(*, actor, customer: Customer, status: str, reason: str = "") -> Customer:
    """The churn module moves customers between normal / churn warning / suspended / lost, along
    STATUS_FLOW; the actor needs edit rights on the customer."""
    access_for(actor).check(CUSTOMER, "edit", customer)
    if status not in CustomerStatus.values:
        raise ValidationFailed(fields={"status": [_("Unknown status.")]})
    before = customer.status
    if before == status:
        return customer
    STATUS_FLOW.action_to(before, status)
    # Conditional on the status read: of two concurrent changes, the second finds it moved.
    if not Customer.objects.filter(pk=customer.pk, status=before).update(status=status):
        raise Conflict(_("The customer's status changed meanwhile."), code="changed")
    customer.status = status
    audit_update(actor=actor, instance=customer, changes={"status": [before, status]})
    event_record(
        customer=customer, kind=EventKind.STATUS, actor=actor, summary=reason, data={"status": [before, status]}
    )
    return customer


def _ids_condition(ids: list[int]) -> tuple[str, object]:
    """`id` among `ids`, as one bound parameter whatever their number (an array on PostgreSQL,
    a JSON list on SQLite): no statement grows with the list, no limit on variables is met."""
    if connection.vendor == "postgresql":
        return "id = ANY(%s)", ids
    return "id IN (SELECT value FROM json_each(%s))", json.dumps(ids)


@transaction.atomic
def customers_status_move(*, actor, customer_ids, action: str, reason: str = "", timeline: bool = True) -> int:
    """Move many customers along STATUS_FLOW by `action` at once (the churn scan, orders coming
    in): those whose status is one of the action's sources move to its target, the others stay.
    One conditional UPDATE per source status (…RETURNING the ids it moved, so the audit and the
    timeline say exactly what changed, whatever ran at the same time); audit rows and timeline
    events are inserted in bulk (the audit rows by one INSERT … SELECT over the moved rows). For
    modules that decided already whether the actor may do this (the churn app asks for its own
    functions); `actor` None is the system. `timeline=False`: the caller writes its own timeline
    entry for the step (one entry per step). Returns how many moved."""
    transition = STATUS_FLOW.transitions[action]
    ids = sorted({int(pk) for pk in customer_ids})
    if not ids:
        return 0
    table = connection.ops.quote_name(Customer._meta.db_table)
    condition, param = _ids_condition(ids)
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    sql = f"UPDATE {table} SET status = %s, updated_at = %s WHERE {condition} AND status = %s RETURNING id, name"  # noqa: S608
    moved = 0
    for source in sorted(transition.sources):
        with connection.cursor() as cursor:
            cursor.execute(sql, [transition.target, now, param, source])
            rows = cursor.fetchall()
        if not rows:
            continue
        moved += len(rows)
        change = {"status": [source, transition.target]}
        # The audit rows written by the database from the moved ids and names, sent back as two
        # arrays: one statement, none built in Python (a churn scan moves ~100,000 at scale 1).
        moved_rows, params = rows_select(connection, [("pk", "bigint"), ("name", "text")], rows)
        status_change = json_object_sql(connection, [("status", json_array_sql(connection, ["%s", "%s"]))])
        audit_records_select(
            actor=actor,
            action=AuditAction.UPDATE,
            model=Customer,
            select=f"SELECT m.pk AS object_id, m.name AS object_repr, {status_change} AS changes FROM ({moved_rows}) m",  # noqa: S608
            params=[source, transition.target, *params],
            message=f"status {action}",
        )
        if timeline:
            events_record_bulk(
                customer_ids=[pk for pk, _name in rows], kind=EventKind.STATUS, actor=actor, summary=reason, data=change
            )
    return moved


@transaction.atomic
def customers_tag(*, actor, customers, add=(), remove=()) -> int:
    """Add and remove tags on many customers at once (a bulk action of the list)."""
    access = access_for(actor)
    ids = list(
        access.scoped(CUSTOMER, action="edit").filter(pk__in=[c.pk for c in customers]).values_list("pk", flat=True)
    )
    if not ids:
        return 0
    through = Customer.tags.through
    add_ids = [tag.pk for tag in add]
    if add_ids:
        through.objects.bulk_create(
            [through(customer_id=pk, tag_id=tag_id) for pk in ids for tag_id in add_ids], ignore_conflicts=True
        )
    if remove:
        through.objects.filter(customer_id__in=ids, tag_id__in=[tag.pk for tag in remove]).delete()
    Customer.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    names = {"add": [t.name for t in add], "remove": [t.name for t in remove]}
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        object_repr=str(_("Customers")),
        message=f"tags {names} customers={len(ids)}",
        changes={"tags": [names["remove"], names["add"]], "customers": [None, ids[:1000]]},
    )
    return len(ids)
