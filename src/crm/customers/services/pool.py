"""The public pool 公海 (CUS-13).

- Release: a manager gives a customer back, with a reason.
- Claim: a manager takes a customer from a pool open to them, while under the pool's cap of
  owned customers and not within the cool-down after releasing that same customer. Claiming is
  one conditional UPDATE (only while the customer still sits in the pool), so when many claim
  the same customer at once exactly one wins and the others are told it is gone.
- Assign: a supervisor gives pool customers to a manager of their scope.
- Return: a daily job sends customers back after N days without follow-up or M days without a
  deal, warning their manager D days before. Re-running it changes nothing more.
"""

from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.access.shares import shares_drop
from crm.audit.models import AuditAction
from crm.audit.services import audit_create, audit_delete, audit_records_bulk, audit_update
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.core.services import full_clean, model_update
from crm.customers.models import Customer, EventKind, Pool
from crm.customers.permissions import CUSTOMER, POOL
from crm.customers.selectors.scope import assignable_managers, pools_open_to
from crm.customers.services.events import event_record, events_record_bulk
from crm.identity.models import User
from crm.notifications.services import notify

POOL_FIELDS = [
    "name", "description", "no_followup_days", "no_deal_days", "warn_days", "claim_cap", "reclaim_days", "is_default",
    "is_active", "sort_order",
]


# --- which pool serves whom ----------------------------------------------------------------------------------
def pool_for_user(user) -> Pool | None:
    """The pool a manager's released customers go to: the one serving the nearest department
    above (or at) theirs; else the default pool."""
    department = getattr(user, "department", None)
    best, best_depth = None, -1
    default = None
    for pool in Pool.objects.filter(is_active=True).prefetch_related("departments"):
        if pool.is_default:
            default = pool
        for served in pool.departments.all():
            if department is not None and department.path.startswith(served.path) and served.depth > best_depth:
                best, best_depth = pool, served.depth
    return best or default or Pool.objects.filter(is_active=True, departments__isnull=True).first()


def _owned_count(user) -> int:
    return Customer.objects.filter(manager=user).count()


def _check_cap(pool: Pool, manager, adding: int = 1) -> None:
    if pool.claim_cap is not None and _owned_count(manager) + adding > pool.claim_cap:
        raise Conflict(
            _("%(name)s already owns %(count)d customers; the pool allows at most %(cap)d.")
            % {"name": manager, "count": _owned_count(manager), "cap": pool.claim_cap},
            code="claim_cap",
        )


# --- release, claim, assign --------------------------------------------------------------------------------------
@transaction.atomic
def customer_release(*, actor, customer: Customer, reason: str) -> Customer:
    access = access_for(actor)
    access.require(f"{CUSTOMER}.release")
    access.check(CUSTOMER, "edit", customer)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed(fields={"reason": [_("Say why the customer goes back to the pool.")]})
    if customer.manager_id is None:
        raise Conflict(_("The customer is already in the pool."), code="in_pool")
    pool = pool_for_user(customer.manager)
    if pool is None:
        raise Conflict(_("No public pool is set up. Ask an administrator to create one."), code="no_pool")
    old = customer.manager_id
    now = timezone.now()
    updated = Customer.objects.filter(pk=customer.pk, manager_id=old).update(
        manager=None, pool=pool, pooled_at=now, previous_manager_id=old, pool_warned_at=None, updated_at=now
    )
    if not updated:
        raise Conflict(_("The customer changed hands meanwhile."), code="changed")
    shares_drop(CUSTOMER, [customer.pk])
    customer.refresh_from_db()
    audit_update(
        actor=actor,
        instance=customer,
        changes={"manager": [old, None], "pool": [None, pool.pk], "reason": [None, reason]},
    )
    event_record(
        customer=customer,
        kind=EventKind.RELEASED,
        actor=actor,
        summary=reason,
        data={"pool": pool.name, "manager": [old, None]},
    )
    return customer


@transaction.atomic
def customer_claim(*, actor, customer: Customer) -> Customer:
    access = access_for(actor)
    access.require(f"{CUSTOMER}.claim")
    open_pools = {pool.pk: pool for pool in pools_open_to(actor)}
    current = Customer.objects.filter(pk=customer.pk).values("pool_id", "previous_manager_id", "pooled_at").first()
    if current is None:
        raise NotFound()
    if current["pool_id"] is None:
        raise Conflict(_("Someone else claimed this customer first."), code="claimed")
    pool = open_pools.get(current["pool_id"])
    if pool is None:
        raise NotFound()
    # One claimer at a time per user, so the cap holds against a double click.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    _check_cap(pool, actor)
    cool_down = timezone.now() - timedelta(days=pool.reclaim_days)
    if current["previous_manager_id"] == actor.pk and current["pooled_at"] and current["pooled_at"] > cool_down:
        raise Conflict(
            _("You released this customer less than %(days)d days ago; someone else may claim it first.")
            % {"days": pool.reclaim_days},
            code="reclaim_too_soon",
        )
    now = timezone.now()
    won = Customer.objects.filter(pk=customer.pk, pool_id=pool.pk, manager__isnull=True).update(
        manager=actor, pool=None, pooled_at=None, owned_since=now, pool_warned_at=None, updated_at=now
    )
    if not won:
        raise Conflict(_("Someone else claimed this customer first."), code="claimed")
    customer.refresh_from_db()
    audit_update(actor=actor, instance=customer, changes={"manager": [None, actor.pk], "pool": [pool.pk, None]})
    event_record(customer=customer, kind=EventKind.CLAIMED, actor=actor, data={"pool": pool.name})
    return customer


@transaction.atomic
def customers_assign_from_pool(*, actor, customers, manager) -> int:
    """A supervisor hands pool customers to a manager of their scope. Returns how many."""
    access = access_for(actor)
    access.require(f"{CUSTOMER}.assign")
    if manager is None or not assignable_managers(actor).filter(pk=manager.pk).exists():
        raise ValidationFailed(fields={"manager": [_("Choose an active user within your own data scope.")]})
    pool_ids = [pool.pk for pool in pools_open_to(actor)]
    ids = [getattr(c, "pk", c) for c in customers]
    rows = list(
        Customer.objects.filter(pk__in=ids, pool_id__in=pool_ids, manager__isnull=True).values_list("pk", "pool_id")
    )
    if not rows:
        raise Conflict(_("None of these customers is in a pool open to you any more."), code="claimed")
    pools = Pool.objects.in_bulk({pool_id for _pk, pool_id in rows})
    User.objects.select_for_update().filter(pk=manager.pk).first()
    for pool in pools.values():
        _check_cap(pool, manager, adding=sum(1 for _pk, pool_id in rows if pool_id == pool.pk))
    now = timezone.now()
    chosen = [pk for pk, _pool in rows]
    moved = Customer.objects.filter(pk__in=chosen, manager__isnull=True).update(
        manager=manager, pool=None, pooled_at=None, owned_since=now, pool_warned_at=None, updated_at=now
    )
    events_record_bulk(customer_ids=chosen, kind=EventKind.ASSIGNED, actor=actor, data={"manager": [None, manager.pk]})
    names = dict(Customer.objects.filter(pk__in=chosen).values_list("pk", "name"))
    audit_records_bulk(
        actor=actor,
        action=AuditAction.UPDATE,
        model=Customer,
        rows=[(pk, names.get(pk, pk), {"manager": [None, manager.pk]}) for pk in chosen],
        message="assigned from the pool",
    )
    if manager.pk != actor.pk:
        notify(
            recipients=[manager],
            title=_("%(count)d customers were assigned to you from the pool") % {"count": moved},
            link="/customers/?manager=me",
            kind="customers.assigned",
        )
    return moved


# --- the daily return -----------------------------------------------------------------------------------
def _served_managers(pool: Pool, pools: list[Pool]) -> Q:
    """Customers whose manager this pool serves: its departments' subtrees; the default pool
    serves every manager whom no department pool serves."""
    served = list(pool.departments.all())
    if served:
        condition = Q()
        for department in served:
            condition |= Q(manager__department__path__startswith=department.path)
        return condition
    others = Q()
    for other in pools:
        for department in other.departments.all():
            others |= Q(manager__department__path__startswith=department.path)
    return ~others if others else Q()


def _due(pool: Pool, now, *, ahead: int = 0) -> Q | None:
    """Customers the rules return now (ahead=0) or within `ahead` days."""
    condition = None
    if pool.no_followup_days:
        cut = now - timedelta(days=pool.no_followup_days - ahead)
        rule = (Q(last_followup_at__isnull=True) | Q(last_followup_at__lt=cut)) & Q(owned_since__lt=cut)
        condition = rule if condition is None else condition | rule
    if pool.no_deal_days:
        cut = now - timedelta(days=pool.no_deal_days - ahead)
        rule = (Q(last_deal_on__isnull=True) | Q(last_deal_on__lt=cut.date())) & Q(owned_since__lt=cut)
        condition = rule if condition is None else condition | rule
    return condition


def pool_return_run(*, now=None) -> dict:
    """Return due customers to their pools and warn about those due soon. Idempotent."""
    now = now or timezone.now()
    pools = [
        p
        for p in Pool.objects.filter(is_active=True).prefetch_related("departments")
        if p.is_default or p.departments.exists()
    ]
    returned = warned = 0
    for pool in pools:
        due = _due(pool, now)
        if due is None:
            continue
        base = Customer.objects.filter(manager__isnull=False).filter(_served_managers(pool, pools))
        returned += _return_due(pool, base.filter(due), now)
        if pool.warn_days:
            soon = _due(pool, now, ahead=pool.warn_days)
            warned += _warn(pool, base.filter(soon, pool_warned_at__isnull=True).exclude(due), now)
    return {"returned": returned, "warned": warned}


def _return_due(pool: Pool, queryset, now) -> int:
    total = 0
    while True:
        with transaction.atomic():
            rows = list(queryset.values_list("pk", "manager_id", "name")[:1000])
            if not rows:
                return total
            by_pk = {pk: manager_id for pk, manager_id, _name in rows}
            for pk, manager_id in by_pk.items():
                # Conditional on the manager still being the same: a follow-up or handover meanwhile wins.
                Customer.objects.filter(pk=pk, manager_id=manager_id).update(
                    manager=None,
                    pool=pool,
                    pooled_at=now,
                    previous_manager_id=manager_id,
                    pool_warned_at=None,
                    updated_at=now,
                )
            shares_drop(CUSTOMER, by_pk)
            events_record_bulk(customer_ids=list(by_pk), kind=EventKind.RETURNED, data={"pool": pool.name})
            audit_records_bulk(
                actor=None,
                action=AuditAction.UPDATE,
                model=Customer,
                rows=[
                    (pk, name, {"manager": [manager_id, None], "pool": [None, pool.pk]})
                    for pk, manager_id, name in rows
                ],
                message=f"returned to pool {pool.name}",
            )
            _notify_managers(
                rows, _("%(count)d of your customers went back to the pool %(pool)s"), pool, link="/customers/pool/"
            )
            total += len(rows)


def _warn(pool: Pool, queryset, now) -> int:
    with transaction.atomic():
        rows = list(queryset.values_list("pk", "manager_id", "name")[:50000])
        if not rows:
            return 0
        Customer.objects.filter(pk__in=[pk for pk, _m, _n in rows]).update(pool_warned_at=now)
        _notify_managers(
            rows,
            _("%(count)d of your customers go back to the pool %(pool)s soon unless you follow them up"),
            pool,
            link="/customers/?pool_due=soon",
        )
    return len(rows)


def _notify_managers(rows, title: str, pool: Pool, *, link: str) -> None:
    per_manager: dict[int, list[str]] = {}
    for _pk, manager_id, name in rows:
        per_manager.setdefault(manager_id, []).append(name)
    users = User.objects.in_bulk(list(per_manager))
    for manager_id, names in per_manager.items():
        if manager_id in users:
            notify(
                recipients=[users[manager_id]],
                title=title % {"count": len(names), "pool": pool.name},
                body="、".join(names[:20]) + ("…" if len(names) > 20 else ""),
                link=link,
                kind="customers.pool",
            )


# --- pool settings --------------------------------------------------------------------------------------
@transaction.atomic
def pool_create(*, actor, data: dict, departments=()) -> Pool:
    access_for(actor).require(f"{POOL}.create")
    pool = Pool(**{k: v for k, v in data.items() if k in POOL_FIELDS})
    if pool.is_default:  # one default pool: the new one takes over (before validation sees two)
        Pool.objects.filter(is_default=True).update(is_default=False)
    full_clean(pool)
    pool.save()
    pool.departments.set(departments)
    audit_create(actor=actor, instance=pool, fields=POOL_FIELDS)
    return pool


@transaction.atomic
def pool_update(*, actor, pool: Pool, data: dict, departments=None) -> Pool:
    access_for(actor).require(f"{POOL}.edit")
    if data.get("is_default") and not pool.is_default:
        Pool.objects.filter(is_default=True).update(is_default=False)
    changes = model_update(instance=pool, data=data, fields=[f for f in POOL_FIELDS if f in data])
    if departments is not None:
        before = sorted(pool.departments.values_list("pk", flat=True))
        after = sorted(d.pk for d in departments)
        if before != after:
            pool.departments.set(departments)
            changes["departments"] = [before, after]
    audit_update(actor=actor, instance=pool, changes=changes)
    return pool


@transaction.atomic
def pool_delete(*, actor, pool: Pool) -> None:
    access_for(actor).require(f"{POOL}.delete")
    if Customer.objects.filter(pool=pool).exists():
        raise Conflict(_("The pool still holds customers. Assign them or move them first."), code="pool_not_empty")
    audit_delete(actor=actor, instance=pool, fields=POOL_FIELDS)
    pool.delete()

