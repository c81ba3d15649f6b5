"""The public pool's customers, as the user may see them (CUS-13)."""

from django.db.models import QuerySet

from crm.customers import search
from crm.customers.models import Customer
from crm.customers.selectors.customers import may_search_phones
from crm.customers.selectors.scope import pools_open_to


def pool_customers(*, user, pool=None, query: str = "") -> QuerySet:
    """Customers in the pools open to the user (or in one of them), longest waiting first."""
    pools = [p.pk for p in pools_open_to(user)]
    if pool is not None:
        pools = [p for p in pools if p == pool.pk]
    queryset = (
        Customer.objects.filter(pool_id__in=pools, manager__isnull=True).for_list().select_related("previous_manager")
    )
    if query:
        condition = search.matching(query, phone_digits=may_search_phones(user))
        queryset = queryset.filter(condition) if condition is not None else queryset.none()
    return queryset.order_by("pooled_at", "id")
