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


def _annotated(queryset: QuerySet) -> QuerySet:
    """With the measures' count and the model's probability that the customer is still active
    (CustomerValue.p_alive, None before the `churn.value` job has run): two correlated subqueries
    on primary or foreign keys, so a page of warnings stays one query."""
    measures = (
        SuspensionMeasure.objects.filter(warning=OuterRef("pk"))
        .order_by()
        .values("warning")
        .annotate(n=Count("id"))
        .values("n")
    )
    alive = CustomerValue.objects.filter(customer=OuterRef("customer_id")).values("p_alive")[:1]
    return queryset.annotate(
        measures_count=Coalesce(Subquery(measures, output_field=IntegerField()), Value(0)),
        p_alive=Subquery(alive),
    )


def warning_list(*, user, filters: dict | None = None, customer=None) -> QuerySet:
    """Warnings in the user's scope. Filters: `tab` (a key of TABS), `state`, `customer` (id),
    `customer_name` (name fragment, pinyin or initials, through the customers' search index),
    `manager` (the customer's manager, a user id), `mine` (customers the user manages),
    `ordering` (a key of ORDERINGS; the newest warning first by default)."""
    filters = filters or {}
    queryset = ChurnWarning.objects.select_related("customer", "customer__manager")
    if customer is not None:
        queryset = queryset.filter(customer=customer)
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
    ordering = ORDERINGS.get(filters.get("ordering") or DEFAULT_ORDERING, ORDERINGS[DEFAULT_ORDERING])
    return access_for(user).scoped(WARNING, _annotated(queryset), listing=True).order_by(*ordering)


def warning_get(*, user, pk) -> ChurnWarning:
    queryset = _annotated(ChurnWarning.objects.select_related("customer", "customer__manager", "confirmed_by"))
    return access_for(user).get(WARNING, pk, queryset=queryset)


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


def attach_days(warnings) -> list:
    """Each warning with `days_since` its customer's last order (for the list and the panel)."""
    today = timezone.localdate()
    warnings = list(warnings)
    for warning in warnings:
        warning.days_since = days_since(warning.last_order_on, today)
    return warnings
