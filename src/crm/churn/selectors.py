"""Every read of churn warnings goes through the permission engine's scope (a warning is where its
customer is): a warning outside it does not exist for the user (404)."""

import datetime

from django.db.models import Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.access.engine import access_for
from crm.churn.models import ACTIVE_STATES, ChurnWarning, CustomerValue, SuspensionMeasure, WarningState
from crm.churn.permissions import WARNING
from crm.customers.selectors.customers import customer_ids_named
from crm.orders.models import EFFECTIVE, Order

# The list's tabs: what each shows before the filters.
TABS = {
    "active": Q(state__in=ACTIVE_STATES),
    "confirmed": Q(state=WarningState.CONFIRMED),
    "closed": Q(state=WarningState.CLOSED),
}
# ?ordering= (the API) and the page's sortable columns: warned at, last order, probability still active.
ORDERINGS = {
    "created_at": ["created_at", "id"],
    "-created_at": ["-created_at", "-id"],
    "last_order_on": ["last_order_on", "id"],
    "-last_order_on": ["-last_order_on", "-id"],
    "p_alive": [F("p_alive").asc(nulls_last=True), "id"],
    "-p_alive": [F("p_alive").desc(nulls_last=True), "-id"],
}
DEFAULT_ORDERING = "-created_at"
SEARCH_LIMIT = 100


def _alive():
    """The model's probability that the warning's customer is still active (CustomerValue.p_alive;
    None before the `churn.value` job has run): a primary-key lookup per row."""
    return Subquery(CustomerValue.objects.filter(customer=OuterRef("customer_id")).values("p_alive")[:1])


def _measures_count():
    measures = (
        SuspensionMeasure.objects.filter(warning=OuterRef("pk")).order_by().values("warning").annotate(n=Count("id"))
    )
    return Coalesce(Subquery(measures.values("n"), output_field=IntegerField()), Value(0))


def warning_list(*, user, filters: dict | None = None, customer=None) -> QuerySet:
    """Warnings in the user's scope. Filters: `tab` (a key of TABS), `state`, `customer` (id),
    `customer_name` (name fragment, pinyin or initials, through the customers' search index),
    `manager` (the customer's manager, a user id), `mine` (customers the user manages),
    `alive_below` (the model's probability that the customer is still active below this share;
    customers not yet valued are left out), `ordering` (a key of ORDERINGS; the newest warning
    first by default)."""
    filters = filters or {}
    queryset = ChurnWarning.objects.all()
    if filters.get("tab") in TABS:
        queryset = queryset.filter(TABS[filters["tab"]])
    if filters.get("state"):
        queryset = queryset.filter(state=filters["state"])
    if filters.get("customer"):
        queryset = queryset.filter(customer_id=filters["customer"])
    if filters.get("manager"):
        queryset = queryset.filter(customer__manager_id=filters["manager"])
    if filters.get("mine"):
        queryset = queryset.filter(customer__manager_id=user.pk)
    name = (filters.get("customer_name") or "").strip()[:SEARCH_LIMIT]
    if name:
        queryset = queryset.filter(customer_id__in=customer_ids_named(name))
    key = filters.get("ordering") or DEFAULT_ORDERING
    if key not in ORDERINGS:
        key = DEFAULT_ORDERING
    alive_below = filters.get("alive_below")
    if key.lstrip("-") == "p_alive" or alive_below is not None:
        # Sorted or filtered by it: in the query; otherwise attach_figures reads it per page.
        queryset = queryset.annotate(p_alive=_alive())
    if alive_below is not None:
        queryset = queryset.filter(p_alive__lt=alive_below)
    # One customer's (its 360 page): the scope decided by that customer, not listed for the table.
    access = access_for(user)
    queryset = access.scoped(WARNING, queryset, listing=True, parent=customer)
    ordering, sorted_whole = ORDERINGS[key], key.lstrip("-") == "p_alive"
    if customer is None and access.narrow_listing(WARNING):
        # A few thousand customers' warnings: read through the customer index, then sorted. Walking
        # the sort's index instead passes over every other warning first when one scan warned the
        # user's customers together (0.6 s at scale 1, docs/benchmarks.md "Issue 15").
        ordering, sorted_whole = _unindexed(ordering), True
    if sorted_whole:
        # Every row in scope is sorted: the page's customers come after it (joined into the sort,
        # the million customers would be hashed whole).
        return queryset.prefetch_related("customer__manager").order_by(*ordering)
    return queryset.select_related("customer", "customer__manager").order_by(*ordering)


def unindexed(key: str):
    """The order of `key` ("field" or "-field") as an expression no index provides, for rows named by
    id and sorted after (walking the index of the sort would pass over every other row first)."""
    name = key.lstrip("-")
    expression = Coalesce(name, name)
    return expression.desc() if key.startswith("-") else expression.asc()


def _unindexed(ordering: list) -> list:
    """The same order with its first column unindexed (the id, last, only breaks ties)."""
    first, *rest = ordering
    if not isinstance(first, str):  # the probability: a sub-query already
        return ordering
    return [unindexed(first), *rest]


def warning_get(*, user, pk) -> ChurnWarning:
    queryset = ChurnWarning.objects.select_related("customer", "customer__manager", "confirmed_by").annotate(
        p_alive=_alive(), measures_count=_measures_count()
    )
    warning = access_for(user).get(WARNING, pk, queryset=queryset)
    warning.days_since = days_since(warning.last_order_on)
    return warning


def warning_measures(*, warning: ChurnWarning) -> list[SuspensionMeasure]:
    """Every measure of a warning the caller already holds (read through warning_get), oldest first."""
    return list(warning.measures.select_related("created_by").order_by("id"))


def last_order(*, user, customer) -> Order | None:
    """The customer's newest shipped or paid order, for users who may read orders (the warning
    page shows it; the customer is in the user's scope already)."""
    if not access_for(user).can("orders.order.view"):
        return None
    return Order.objects.filter(EFFECTIVE, customer=customer).order_by("-ordered_on", "-id").first()


def days_since(day: datetime.date, today: datetime.date | None = None) -> int:
    return ((today or timezone.localdate()) - day).days


def attach_figures(warnings) -> list:
    """A page of warnings with, on each, `measures_count`, `p_alive` (unless the query sorted by
    it) and `days_since` its customer's last order: two queries for the page, whatever its size,
    instead of correlated subqueries that the list's count would run for every row it counts."""
    warnings = list(warnings)
    if not warnings:
        return warnings
    counts = dict(
        SuspensionMeasure.objects.filter(warning_id__in=[w.pk for w in warnings])
        .order_by()
        .values("warning")
        .annotate(n=Count("id"))
        .values_list("warning", "n")
    )
    missing = [w.customer_id for w in warnings if not hasattr(w, "p_alive")]
    alive = dict(CustomerValue.objects.filter(customer_id__in=missing).values_list("customer_id", "p_alive"))
    today = timezone.localdate()
    for warning in warnings:
        warning.measures_count = counts.get(warning.pk, 0)
        if not hasattr(warning, "p_alive"):
            warning.p_alive = alive.get(warning.customer_id)
        warning.days_since = days_since(warning.last_order_on, today)
    return warnings
