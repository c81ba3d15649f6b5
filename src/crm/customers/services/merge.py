"""Merging duplicates (CUS-9): several customers become one.

The caller picks, field by field, whose value the merged customer keeps (the target's by
default). Every record that points at a merged customer (contacts, follow-ups, interactions,
attachments, contracts, and whatever later modules add: opportunities, orders, services) is
moved to the target by walking the foreign keys to Customer, so a new module needs no change
here; a module whose table allows one row per customer registers a merge hook
(crm.customers.extensions). Tags are united, custom values filled in, shares carried over.
The merged customers are deleted; a MergeRecord and the audit log keep what they were.
"""

from django.db import transaction
from django.db.models import ForeignKey
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.access.shares import shares_move
from crm.audit.models import AuditAction
from crm.audit.services import audit_record, jsonable, snapshot
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.customers import extensions
from crm.customers.models import Contact, Customer, CustomerKey, EventKind, MergeRecord
from crm.customers.permissions import CUSTOMER
from crm.customers.services import indexing
from crm.customers.services.activities import _refresh_followup_dates
from crm.customers.services.customers import CUSTOMER_FIELDS
from crm.customers.services.events import event_record
from crm.customers.services.followup_tally import followup_tally_refresh

MAX_MERGE = 10
# Fields the caller may choose among the merged customers, beyond the entered ones.
CHOOSABLE = [*CUSTOMER_FIELDS, "manager"]
# Rebuilt for the target rather than moved.
_REBUILT = {CustomerKey}


@transaction.atomic
def customers_merge(*, actor, target: Customer, others, choices: dict | None = None) -> Customer:
    """Fold `others` into `target`. `choices` maps a field to the id of the customer whose value wins."""
    access = access_for(actor)
    access.require(f"{CUSTOMER}.merge")
    other_ids = sorted({getattr(c, "pk", c) for c in others} - {target.pk})
    if not other_ids:
        raise ValidationFailed(fields={"others": [_("Choose at least one other customer to merge.")]})
    if len(other_ids) >= MAX_MERGE:
        raise ValidationFailed(fields={"others": [_("Merge at most %(n)d customers at once.") % {"n": MAX_MERGE}]})
    everyone = [target.pk, *other_ids]
    editable = access.scoped(CUSTOMER, Customer.objects.filter(pk__in=everyone), action="merge")
    # of=self: the scope filter may join the manager's department (nullable), which PostgreSQL will not lock.
    locked = {c.pk: c for c in editable.select_for_update(of=("self",))}
    if set(locked) != set(everyone):
        raise NotFound()
    target = locked[target.pk]
    merged = [locked[pk] for pk in other_ids]
    if any(c.pool_id is not None for c in [target, *merged]) and target.manager_id is None:
        raise Conflict(_("Claim or assign the pool customer before merging into it."), code="in_pool")

    before = snapshot(target, [*CHOOSABLE, "custom"])
    _apply_choices(target, locked, choices or {})
    for other in merged:
        for key, value in (other.custom or {}).items():
            target.custom.setdefault(key, value)
    snapshots = [{"number": c.number, "name": c.name, **snapshot(c)} for c in merged]

    for hook in extensions.merge_hooks():
        hook(actor=actor, target=target, others=merged)
    if Contact.objects.filter(customer=target, is_primary=True).exists():
        Contact.objects.filter(customer_id__in=other_ids, is_primary=True).update(is_primary=False)
    moved = _move_related(target, other_ids)
    tag_ids = set(Customer.tags.through.objects.filter(customer_id__in=everyone).values_list("tag_id", flat=True))
    shares_move(CUSTOMER, other_ids, target.pk, skip_user_ids=[target.manager_id])
    for other, data in zip(merged, snapshots, strict=True):
        MergeRecord.objects.create(
            target=target,
            merged_id=other.pk,
            merged_number=other.number,
            merged_name=other.name,
            snapshot=jsonable(data),
            moved=moved,
            merged_by=actor,
        )
    Customer.objects.filter(pk__in=other_ids).delete()

    target.last_followup_at = max((c.last_followup_at for c in [target, *merged] if c.last_followup_at), default=None)
    target.last_deal_on = max((c.last_deal_on for c in [target, *merged] if c.last_deal_on), default=None)
    indexing.derive_name(target)
    target.save()
    target.tags.set(tag_ids)
    _rebuild_keys(target)
    indexing.refresh_tokens(target)
    _refresh_followup_dates(target)
    followup_tally_refresh([target.pk])  # the merged customers' rows went with them

    after = snapshot(target, [*CHOOSABLE, "custom"])
    changes = {name: [before[name], after[name]] for name in before if before[name] != after[name]}
    changes["merged"] = [None, [s["number"] for s in snapshots]]
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=target, changes=changes, message="merge")
    for other, data in zip(merged, snapshots, strict=True):
        audit_record(
            actor=actor,
            action=AuditAction.DELETE,
            instance=other,
            object_repr=other.name,
            changes={k: [v, None] for k, v in data.items()},
            message=f"merged into {target.number}",
        )
    event_record(
        customer=target,
        kind=EventKind.MERGED,
        actor=actor,
        summary="、".join(f"{s['number']} {s['name']}" for s in snapshots),
        data={"moved": moved},
    )
    return target


def _apply_choices(target: Customer, customers: dict, choices: dict) -> None:
    for field_name, source_id in choices.items():
        if field_name not in CHOOSABLE:
            raise ValidationFailed(fields={"choices": [_("%(field)s cannot be chosen.") % {"field": field_name}]})
        try:
            source = customers[int(source_id)]
        except (KeyError, TypeError, ValueError) as exc:
            raise ValidationFailed(fields={"choices": [_("Choose values from the customers being merged.")]}) from exc
        attname = Customer._meta.get_field(field_name).attname
        setattr(target, attname, getattr(source, attname))


def _move_related(target: Customer, other_ids: list[int]) -> dict[str, int]:
    """Point every foreign key to a merged customer at the target; returns counts per model."""
    moved = {}
    for relation in Customer._meta.related_objects:
        if not isinstance(relation.field, ForeignKey) or relation.related_model in _REBUILT:
            continue
        model = relation.related_model
        count = model._base_manager.filter(**{f"{relation.field.name}__in": other_ids}).update(
            **{relation.field.name: target}
        )
        if count:
            moved[model._meta.label] = moved.get(model._meta.label, 0) + count
    return moved


def _rebuild_keys(target: Customer) -> None:
    CustomerKey.objects.filter(customer=target).delete()
    # The merged customers' enforced keys are gone with them, so the target may now hold them.
    indexing.write_own_keys(target, strict=False)
    for contact in Contact.objects.filter(customer=target):
        CustomerKey.objects.bulk_create(indexing.contact_keys(contact))
