"""Who sees which customers: the permission engine's data scope, plus the public pools open to
the user (a pool customer has no manager, so no owner-based scope reaches it)."""

from django.db.models import Q, QuerySet

from crm.access.engine import access_for
from crm.core.memo import SharedMemo
from crm.customers.models import Customer, Pool
from crm.customers.permissions import CUSTOMER
from crm.identity.models import User

_POOLS_ATTR = "_crm_open_pools"


def _load_active_pools() -> list[tuple[Pool, list[str]]]:
    pools = [
        (pool, [department.path for department in pool.departments.all()])
        for pool in Pool.objects.filter(is_active=True).prefetch_related("departments")
    ]
    for pool, _paths in pools:
        pool._prefetched_objects_cache = {}
    return pools


_ACTIVE_POOLS = SharedMemo("crm:customers:active-pools", _load_active_pools)


def active_pools() -> list[tuple[Pool, list[str]]]:
    """The active pools with the paths of the departments they serve, kept in memory: every
    customer page asks, and pools change seldom (crm.customers.receivers forgets them on change)."""
    return _ACTIVE_POOLS.get()


def forget_active_pools() -> None:
    _ACTIVE_POOLS.forget()


def pools_open_to(user) -> list[Pool]:
    """Active pools the user may claim from or assign from, cached on the user for the request.

    A pool serves its departments and everything below them (no departments: everyone).
    Claimers see the pools serving their own department; those who assign also see the pools
    serving any department of their subtree; scope "all" sees every pool.
    """
    cached = getattr(user, _POOLS_ATTR, None)
    if cached is not None:
        return cached
    access = access_for(user)
    may_claim = access.can(f"{CUSTOMER}.claim")
    may_assign = access.can(f"{CUSTOMER}.assign")
    pools: list[Pool] = []
    if may_claim or may_assign:
        department = getattr(user, "department", None)
        everything = access.sees_all(CUSTOMER)
        for pool, served in active_pools():
            if (
                everything
                or not served
                or (
                    department is not None
                    and any(
                        department.path.startswith(path) or (may_assign and path.startswith(department.path))
                        for path in served
                    )
                )
            ):
                pools.append(pool)
    if getattr(user, "pk", None) is not None:
        setattr(user, _POOLS_ATTR, pools)
    return pools


def customer_queryset(user, *, action: str = "view", include_pools: bool = True) -> QuerySet:
    """The customers the user may see (action "view") or act on ("edit", "export", …).

    Viewing also reaches the customers of the pools open to the user (unless include_pools is
    False: the list shows the scope, the pool has its own page); acting needs the scope.
    """
    access = access_for(user)
    queryset = Customer.objects.all()
    if action != "view":
        return access.scoped(CUSTOMER, queryset, action=action)
    if not access.can(f"{CUSTOMER}.view"):
        return queryset.none()
    condition = access.scope_filter(CUSTOMER)
    if condition is None:
        return queryset
    pools = pools_open_to(user) if include_pools else []
    if pools:
        condition |= Q(pool_id__in=[pool.pk for pool in pools])
    return queryset.filter(condition)


def assignable_managers(actor) -> QuerySet:
    """Active users the actor may make a customer's manager: within the actor's own data scope
    (a salesperson with scope "own" can only name themself)."""
    users = User.objects.active().select_related("department").order_by("department__path", "name", "username")
    return access_for(actor).users_in_scope(CUSTOMER, users)
