"""Who works a customer: sharing (CUS-6) and handover (CUS-7), singly or in bulk, keeping the
history; employee departure (ORG-7) hands a leaver's customers over the same way."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.access.shares import share_grant, share_revoke, shares_drop
from crm.audit.models import AuditAction
from crm.audit.services import audit_records_bulk
from crm.core.errors import ValidationFailed
from crm.customers import extensions
from crm.customers.models import Contract, ContractStatus, Customer, EventKind
from crm.customers.permissions import CUSTOMER
from crm.customers.selectors.scope import assignable_managers
from crm.customers.services.events import event_record, events_record_bulk
from crm.identity.models import UserStatus

BATCH = 1000

OPEN_CONTRACTS = [ContractStatus.DRAFT, ContractStatus.IN_APPROVAL, ContractStatus.SIGNED, ContractStatus.ACTIVE]


@transaction.atomic
def customer_share(*, actor, customer: Customer, users, can_edit: bool = False) -> list:
    access_for(actor).require(f"{CUSTOMER}.share")
    users = [user for user in users if user.pk != customer.manager_id]
    inactive = [str(user) for user in users if user.status != UserStatus.NORMAL]
    if inactive:
        raise ValidationFailed(fields={"users": [_("Only active users: %(names)s") % {"names": "、".join(inactive)}]})
    if not users:
        raise ValidationFailed(fields={"users": [_("Choose at least one colleague other than the manager.")]})
    shares = share_grant(actor=actor, resource_code=CUSTOMER, obj=customer, users=users, can_edit=can_edit)
    event_record(
        customer=customer,
        kind=EventKind.SHARED,
        actor=actor,
        summary="、".join(str(user) for user in users),
        data={"users": [user.pk for user in users], "can_edit": can_edit},
    )
    return shares


@transaction.atomic
def customer_unshare(*, actor, customer: Customer, user) -> None:
    access_for(actor).require(f"{CUSTOMER}.share")
    share_revoke(actor=actor, resource_code=CUSTOMER, obj=customer, user=user)
    event_record(customer=customer, kind=EventKind.SHARED, actor=actor, summary=str(user), data={"unshared": user.pk})


@transaction.atomic
def customers_handover(*, actor, customers, to_manager, note: str = "") -> int:
    """Give customers (one or many) to another manager, with their contracts in progress and
    whatever other modules register (open opportunities, tasks). Returns how many moved."""
    access = access_for(actor)
    access.require(f"{CUSTOMER}.handover")
    if to_manager is None or not assignable_managers(actor).filter(pk=to_manager.pk).exists():
        raise ValidationFailed(fields={"manager": [_("Choose an active user within your own data scope.")]})
    ids = [getattr(c, "pk", c) for c in customers]
    allowed = access.scoped(CUSTOMER, Customer.objects.filter(pk__in=ids), action="handover")
    owners = dict(allowed.filter(manager__isnull=False).exclude(manager=to_manager).values_list("pk", "manager_id"))
    if not owners:
        return 0
    return _move(actor=actor, owners=owners, to_manager=to_manager, note=note, kind=EventKind.HANDED_OVER)


def _move(*, actor, owners: dict[int, int], to_manager, note: str, kind: str) -> int:
    """Move customers {id: old manager id} to `to_manager`, set-based, with history."""
    now = timezone.now()
    ids = list(owners)
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        Customer.objects.filter(pk__in=chunk).update(
            manager=to_manager, owned_since=now, pool_warned_at=None, updated_at=now
        )
        Contract.objects.filter(customer_id__in=chunk, status__in=OPEN_CONTRACTS).update(
            owner=to_manager
        )
        shares_drop(CUSTOMER, chunk, user=to_manager)
    for hook in extensions.handover_hooks():
        hook(actor=actor, customer_ids=ids, old_managers=owners, new_manager=to_manager)
    for old, customer_ids in extensions.by_old_manager(owners).items():
        events_record_bulk(
            customer_ids=customer_ids,
            kind=kind,
            actor=actor,
            summary=note,
            data={"manager": [old, to_manager.pk]},
        )
    names = dict(Customer.objects.filter(pk__in=ids).values_list("pk", "name"))
    audit_records_bulk(
        actor=actor,
        action=AuditAction.HANDOVER,
        model=Customer,
        rows=[(pk, names.get(pk, pk), {"manager": [old, to_manager.pk]}) for pk, old in owners.items()],
        message=note,
    )
    return len(ids)


def on_user_departing(sender, *, actor, user, successor, **kwargs) -> dict:
    """ORG-7: the leaver's customers go to the successor, each with a timeline entry."""
    owners = dict(Customer.objects.filter(manager=user).values_list("pk", "manager_id"))
    if not owners:
        return {}
    count = _move(
        actor=actor, owners=owners, to_manager=successor, note=_("Employee departure"), kind=EventKind.HANDED_OVER
    )
    return {f"{CUSTOMER}.manager": count}
