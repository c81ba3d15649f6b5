"""The four reports of s003/5 §3.4, each one query (or two) computed in the database.

Each starts from the report's resource in the permission engine (`access.scoped(report, …)`):
without the report's function it is empty; with it, it holds the records of the viewer's data
scope (the report's parent resource, see permissions.py). Nothing loads rows into Python beyond a
page of them or one row per group (five credit ratings, a dozen levels or service types).
"""

import datetime
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    CharField,
    Count,
    DecimalField,
    Exists,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.churn.models import ChurnWarning, WarningState
from crm.core.pagination import COUNT_CAP
from crm.customers import search
from crm.customers.models import Customer
from crm.customers.models.customer import RATING_CHOICES
from crm.dictionary.selectors import items
from crm.identity.models import User
from crm.orders.models import CustomerTotal
from crm.reports.permissions import CHURN, COMPOSITION, CONTRIBUTION, SERVICES
from crm.service.models import Service

# Years a report may be asked for: orders, services and churns of the CRM's lifetime.
MIN_YEAR = 2000
TEXT_LIMIT = 100
MAX_ID = 2**31 - 1  # ids are PostgreSQL integers: a larger one asked for would be a database error, not a 400
ID_BOUNDS = {"min_value": 1, "max_value": MAX_ID}
ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=16, decimal_places=2))


def max_year() -> int:
    return timezone.localdate().year + 1


# --- 客户贡献分析 (RPT-1) -----------------------------------------------------------------------
# ?ordering=: the total (largest first by default) or the name; the id breaks ties, so pages are stable.
CONTRIBUTION_ORDERINGS = {
    "-total": [F("total").desc(), "id"],
    "total": [F("total").asc(), "-id"],  # ties the other way round: one index serves both (RankedRows)
    # Chinese names in pinyin order, as the customer list sorts them (and its index serves).
    "name": ["name_pinyin", "id"],
    "-name": ["-name_pinyin", "-id"],
}
DEFAULT_CONTRIBUTION_ORDERING = "-total"


def _year_dates(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year + 1, 1, 1)


def _year_times(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    start, end = _year_dates(year)
    zone = timezone.get_current_timezone()
    return (
        datetime.datetime.combine(start, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(end, datetime.time.min, tzinfo=zone),
    )


def _named(queryset: QuerySet, name: str, path: str = "") -> QuerySet:
    """Records whose customer's name matches `name` (characters, pinyin or initials), through the
    customers' search index, as the customer search does (a LIKE reads a million names)."""
    name = (name or "").strip()[:TEXT_LIMIT]
    if not name:
        return queryset
    condition = search.matching(name, phone_digits=False, path=path)
    return queryset.none() if condition is None else queryset.filter(condition)


def contribution_customers(*, user, customer: str = "") -> QuerySet:
    """The customers the report covers: in the viewer's scope, named like `customer`."""
    return _named(access_for(user).scoped(CONTRIBUTION, Customer.objects.all()), customer)


def _year_totals(year: int | None) -> QuerySet:
    """The customers' kept totals (crm.orders.totals) of `year`, or of every year."""
    return CustomerTotal.objects.filter(year=year or CustomerTotal.ALL_YEARS)


ROW = {"row_id": F("customer_id"), "row_name": F("customer__name"), "row_number": F("customer__number"),
       "row_total": F("total")}


class RankedRows:
    """The report sorted by total as a sequence the paginators slice: the customers with a positive
    total (read in order from the kept totals' index), those at 0 (no orders, in id order), those
    with a negative total (returns); reversed for the ascending sort. A page reads its rows from the
    first part that holds them and, only where it runs past that part's end, the next: about a page
    of rows whatever the number of customers. Rows are dicts (`row_id`, `row_name`, `row_number`,
    `row_total`); ties go by id, ascending with the larger total (so the index serves both ways)."""

    def __init__(self, parts: list[QuerySet], customers: QuerySet):
        self.parts, self.customers = parts, customers

    def bounded_count(self, limit: int) -> int:
        """How many rows, counted up to `limit` (the paginators' capped count, ADR 0012): every
        customer in scope is a row."""
        return self.customers.order_by()[:limit].count()

    def __iter__(self):
        for part in self.parts:
            yield from part.iterator()

    def __getitem__(self, key):
        if not isinstance(key, slice) or key.step is not None:
            raise TypeError("RankedRows is read a page (a slice) at a time")
        start, stop = key.start or 0, key.stop if key.stop is not None else COUNT_CAP
        rows = []
        for part in self.parts:
            if stop <= start:
                break
            found = list(part[start:stop])
            rows += found
            if len(found) == stop - start:
                break
            size = start + len(found) if found else part.count()  # the part ends before `stop`
            start, stop = max(0, start - size), stop - size
        return rows


# From how many customers in scope the report reads their totals in index order (RankedRows): a
# salesperson's few thousand are read and sorted faster than the index is walked to find theirs.
MANY_CUSTOMERS = 50_000


def _many(customers: QuerySet) -> bool:
    return customers.order_by()[MANY_CUSTOMERS : MANY_CUSTOMERS + 1].exists()


def _ranked(*, user, customer: str, year: int | None, descending: bool) -> RankedRows:
    access = access_for(user)
    customers = contribution_customers(user=user, customer=customer)
    totals = _named(_year_totals(year), customer, "customer")
    condition = access.scope_filter(CONTRIBUTION)
    if not access.can(f"{CONTRIBUTION}.view"):
        totals = totals.none()
    elif condition is not None:
        totals = totals.filter(customer__in=Customer.objects.filter(condition).values("pk"))
    by_total = [F("total").desc(), "customer_id"] if descending else [F("total").asc(), "-customer_id"]
    positive = totals.filter(total__gt=0).order_by(*by_total).values(**ROW)
    negative = totals.filter(total__lt=0).order_by(*by_total).values(**ROW)
    nonzero = _year_totals(year).filter(customer_id=OuterRef("pk")).exclude(total=0)
    zero = (
        customers.exclude(Exists(nonzero))
        .order_by("id" if descending else "-id")
        .values(row_id=F("id"), row_name=F("name"), row_number=F("number"), row_total=ZERO)
    )
    parts = [positive, zero, negative] if descending else [negative, zero, positive]
    return RankedRows(parts, customers)


def contribution(*, user, customer: str = "", year: int | None = None, ordering: str = ""):
    """客户贡献分析: every customer in scope (those without orders too, at 0) with its total of
    shipped and paid orders (of `year`, or of all years), sorted by `ordering` (a key of
    CONTRIBUTION_ORDERINGS). Rows are dicts: `row_id`, `row_name`, `row_number`, `row_total`."""
    key = ordering if ordering in CONTRIBUTION_ORDERINGS else DEFAULT_CONTRIBUTION_ORDERING
    many = _many(contribution_customers(user=user))  # the scope, not the name
    if key in ("-total", "total") and many:
        return _ranked(user=user, customer=customer, year=year, descending=key == "-total")
    # By name: a page of customers from the pinyin index, each total one index read. For a narrow
    # scope: every customer's total read so (one index read each), then sorted.
    rows = contribution_table(user=user, customer=customer, year=year, ordering=key)
    if key in ("name", "-name") and not many:
        # A salesperson's few thousand customers sort faster than the pinyin index of a million is
        # walked to find theirs (230 → 30 ms at scale 1): an order no index serves.
        pinyin = Lower("name_pinyin")
        rows = rows.order_by(pinyin.asc(), "id") if key == "name" else rows.order_by(pinyin.desc(), "-id")
    return rows.values(row_id=F("id"), row_name=F("name"), row_number=F("number"), row_total=F("total"))


def contribution_table(*, user, customer: str = "", year: int | None = None, ordering: str = "") -> QuerySet:
    """The same report as customers annotated with `total` (the export, which reads every row in
    the background and narrows the customers to the exporter's scope itself)."""
    total = _year_totals(year).filter(customer_id=OuterRef("pk")).values("total")[:1]
    key = ordering if ordering in CONTRIBUTION_ORDERINGS else DEFAULT_CONTRIBUTION_ORDERING
    return (
        contribution_customers(user=user, customer=customer)
        .annotate(total=Coalesce(Subquery(total, output_field=ZERO.output_field), ZERO))
        .only("id", "name", "number")
        .order_by(*CONTRIBUTION_ORDERINGS[key])
    )


def contribution_total(*, user, customer: str = "", year: int | None = None) -> Decimal:
    """The sum over every customer of the report (not only the page shown): one SUM over the kept
    totals, narrowed to the customers in scope only when the scope is narrower than "all"."""
    access = access_for(user)
    if not access.can(f"{CONTRIBUTION}.view"):
        return Decimal("0.00")
    totals = _year_totals(year)
    condition = access.scope_filter(CONTRIBUTION)
    if condition is not None:
        totals = totals.filter(customer__in=Customer.objects.filter(condition).values("pk"))
    with room_for_a_bitmap():
        found = _named(totals, customer, "customer").aggregate(total=Sum("total"))["total"]
    return found or Decimal("0.00")


@contextmanager
def room_for_a_bitmap():
    """PostgreSQL: working memory for one statement that reads many customers found by a frequent
    name (科技: 150,000 of a million) through the search index. With the default 4 MB the bitmap of
    their pages turns lossy and every row of those pages is checked again: 1.7 s instead of 0.6 s."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")
        try:
            yield
        finally:  # not for the rest of an enclosing transaction
            cursor.execute("SET LOCAL work_mem TO DEFAULT")


# --- 客户构成分析 (RPT-2) -----------------------------------------------------------------------
COMPOSITION_BY = {
    "level": _("Customer level"),
    "credit": _("Credit"),
    "satisfaction": _("Satisfaction"),
}
DEFAULT_COMPOSITION_BY = "level"


@dataclass
class Group:
    """One item of a composition: its key (a dictionary item id or a rating), label, count, share."""

    key: int
    label: str
    count: int
    share: float = 0.0  # of the report's total, 0…1

    @property
    def percent(self) -> str:
        """The share as people read it: 12.5%."""
        return f"{self.share * 100:.1f}%"


def _with_shares(groups: list[Group]) -> list[Group]:
    total = sum(group.count for group in groups)
    for group in groups:
        group.share = group.count / total if total else 0.0
    return groups


def composition(*, user, by: str = DEFAULT_COMPOSITION_BY) -> list[Group]:
    """客户构成分析: how many customers in scope have each level (every active level, and an inactive
    one still in use, in the dictionary's order), each credit or each satisfaction rating (5 to 1),
    with each item's share of the whole. One GROUP BY."""
    if by not in COMPOSITION_BY:
        raise ValueError(by)
    column = "level_id" if by == "level" else by
    counted = dict(
        access_for(user)
        .scoped(COMPOSITION, Customer.objects.all())
        .order_by()
        .values_list(column)
        .annotate(n=Count("id"))
        .values_list(column, "n")
    )
    if by == "level":
        known = list(items("customer_level", include_inactive=True).values_list("pk", "entry", "is_active"))
        groups = [Group(pk, entry, counted.get(pk, 0)) for pk, entry, active in known if active or counted.get(pk)]
    else:
        groups = [Group(value, label, counted.get(value, 0)) for value, label in reversed(RATING_CHOICES)]
    return _with_shares(groups)


def _table(queryset: QuerySet, *, label, sort) -> QuerySet:
    """A composition as rows for the export: label, count, share (0…1), one per item with records;
    two queries (the total, then the groups)."""
    total = queryset.order_by().count()
    counted = Count("id")
    return (
        queryset.order_by()
        .values(label=label, sort=sort)
        .annotate(count=counted, share=Cast(counted, FloatField()) / Value(float(total or 1)))
        .order_by("sort", "label")
    )


def composition_table(*, user, by: str = DEFAULT_COMPOSITION_BY) -> QuerySet:
    """The composition as rows (the export): items with customers, in the page's order."""
    if by not in COMPOSITION_BY:
        raise ValueError(by)
    customers = access_for(user).scoped(COMPOSITION, Customer.objects.all())
    if by == "level":
        return _table(customers, label=F("level__entry"), sort=F("level__sort_order"))
    return _table(customers, label=Cast(by, CharField()), sort=-F(by))


# --- 客户服务分析 (RPT-3) -----------------------------------------------------------------------
def services_in_year(*, user, year: int | None = None) -> QuerySet:
    """The services the report counts: in the viewer's scope, created in `year` if given."""
    services = Service.objects.all()
    if year:
        start, end = _year_times(year)
        services = services.filter(created_at__gte=start, created_at__lt=end)
    return access_for(user).scoped(SERVICES, services)


def service_composition(*, user, year: int | None = None) -> list[Group]:
    """客户服务分析: the services in scope (of `year`, by their creation) counted by type, every
    active type listed (咨询, 建议, 投诉 …), with shares. One GROUP BY."""
    counted = dict(
        services_in_year(user=user, year=year).order_by().values_list("type_id").annotate(n=Count("id"))
    )
    known = list(items("service_type", include_inactive=True).values_list("pk", "entry", "is_active"))
    groups = [Group(pk, entry, counted.get(pk, 0)) for pk, entry, active in known if active or counted.get(pk)]
    return _with_shares(groups)


def services_table(*, user, year: int | None = None) -> QuerySet:
    """The service composition as rows (the export): types with services, in the page's order."""
    return _table(services_in_year(user=user, year=year), label=F("type__entry"), sort=F("type__sort_order"))


# --- 客户流失分析 (RPT-4) -----------------------------------------------------------------------
def churn_records(*, user, customer: str = "", manager: str = "") -> QuerySet:
    """客户流失分析: the confirmed churn records in scope, newest confirmation first, filtered by
    the customer's name (characters, pinyin, initials) and its manager's name or login."""
    queryset = ChurnWarning.objects.filter(state=WarningState.CONFIRMED)
    queryset = _named(queryset, customer, "customer")
    manager = (manager or "").strip()[:TEXT_LIMIT]
    if manager:
        managers = User.objects.filter(Q(name__icontains=manager) | Q(username__icontains=manager)).values("pk")
        queryset = queryset.filter(customer__manager__in=managers)
    return (
        access_for(user)
        .scoped(CHURN, queryset)
        .select_related("customer", "customer__manager", "confirmed_by")
        .order_by(F("confirmed_at").desc(nulls_last=True), "-id")
    )


@dataclass
class ManagerCount:
    manager_id: int | None
    name: str
    count: int


CHART_LIMIT = 20


def churn_by_manager(*, user, customer: str = "", manager: str = "") -> list[ManagerCount]:
    """The same records counted by the customer's manager, most first (the chart; one GROUP BY)."""
    rows = (
        churn_records(user=user, customer=customer, manager=manager)
        .order_by()
        .values("customer__manager_id", "customer__manager__name", "customer__manager__username")
        .annotate(n=Count("id"))
        .order_by("-n", "customer__manager__name")[:CHART_LIMIT]
    )
    return [
        ManagerCount(
            row["customer__manager_id"],
            row["customer__manager__name"] or row["customer__manager__username"] or "",
            row["n"],
        )
        for row in rows
    ]
