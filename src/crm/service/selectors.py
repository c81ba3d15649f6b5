"""Every read of customer services goes through the permission engine's scope: a service outside
it does not exist for the user (404)."""

import datetime

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.customers.selectors.customers import customer_ids_named
from crm.service.models import Service, ServiceAgreement, ServiceRound, ServiceStatus, breached_q
from crm.service.permissions import AGREEMENT, SERVICE

# The pages' lists (s003/5 §3.3): what each shows before the filters.
VIEWS = {
    "new": Q(status=ServiceStatus.NEW),
    "assigned": Q(status=ServiceStatus.ASSIGNED),
    "handled": Q(status=ServiceStatus.HANDLED),
    "archived": Q(status=ServiceStatus.ARCHIVED),
    "all": Q(),
}
SEARCH_LIMIT = 100


def service_list(*, user, filters: dict | None = None, customer=None) -> QuerySet:
    """Services in the user's scope, newest first. Filters: `view` (a key of VIEWS), `status`,
    `mine` (assigned to the user), `q` or `search` (number or summary), `summary`, `customer` (id),
    `customer_name`, `type` (dictionary item id), `created_after` / `created_before` (dates,
    inclusive), `breached` (a deadline passed before it was met), `order` ("due": the nearest
    resolution deadline first, for 服务处理)."""
    filters = filters or {}
    # The people are read apart (two small queries): joined, a misestimated scope (ids named by
    # the listing) led PostgreSQL into a nested loop over every user (101 ms for "mine").
    queryset = Service.objects.select_related("customer", "type").prefetch_related("assignee", "created_by")
    queryset = queryset.filter(VIEWS.get(filters.get("view") or "all", Q()))
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("mine"):
        queryset = queryset.filter(assignee_id=user.pk)
    if filters.get("customer"):
        queryset = queryset.filter(customer_id=filters["customer"])
    if filters.get("type"):
        queryset = queryset.filter(type_id=filters["type"])
    query = (filters.get("q") or filters.get("search") or "").strip()[:SEARCH_LIMIT]
    if query:
        queryset = queryset.filter(Q(number__iexact=query) | Q(summary__icontains=query))
    summary = (filters.get("summary") or "").strip()[:SEARCH_LIMIT]
    if summary:
        queryset = queryset.filter(summary__icontains=summary)
    name = (filters.get("customer_name") or "").strip()[:SEARCH_LIMIT]
    if name:  # through the customers' search index: name fragment, pinyin or initials
        queryset = queryset.filter(customer_id__in=customer_ids_named(name))
    after, before = filters.get("created_after"), filters.get("created_before")
    if after:
        queryset = queryset.filter(created_at__gte=_start_of(after))
    if before:
        queryset = queryset.filter(created_at__lt=_start_of(before + datetime.timedelta(days=1)))
    if filters.get("breached"):
        queryset = queryset.filter(breached_q(timezone.now()))
    ordering = ["-id"]
    if filters.get("order") == "due":
        ordering = [F("resolution_due").asc(nulls_last=True), "-id"]
    # One customer's (its 360 page): the scope decided by that customer, not listed for the table.
    return access_for(user).scoped(SERVICE, queryset, listing=True, parent=customer).order_by(*ordering)


def _start_of(day: datetime.date) -> datetime.datetime:
    """The first instant of a local date (created dates are the user's calendar days)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def service_get(*, user, pk) -> Service:
    queryset = Service.objects.select_related(
        "customer", "type", "assignee", "assigned_by", "created_by", "handled_by"
    )
    return access_for(user).get(SERVICE, pk, queryset=queryset)


def service_rounds(*, service: Service) -> list[ServiceRound]:
    """Every round of a service the caller already holds (read through service_get), in order."""
    return list(service.rounds.select_related("handled_by", "feedback_by", "article").order_by("sequence"))


def agreement_list(*, user) -> QuerySet:
    """Every service agreement, by service type then level (everyone who may view them)."""
    access_for(user).require(f"{AGREEMENT}.view")
    return ServiceAgreement.objects.select_related("type", "customer_level").order_by(
        "type__sort_order", "type_id", F("customer_level__sort_order").asc(nulls_first=True), "id"
    )


def agreement_get(*, user, pk) -> ServiceAgreement:
    agreement = agreement_list(user=user).filter(pk=pk).first()
    if agreement is None:
        raise NotFound()
    return agreement
