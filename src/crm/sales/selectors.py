"""Reading payments and invoices, always through the permission engine (a contract's money is
visible where the contract is): per contract, lists, payments due, and the receivables ageing."""

import datetime

from django.apps import apps
from django.db.models import Case, DecimalField, F, Q, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from crm.access.engine import access_for
from crm.sales.models import ContractLine, Invoice, PaymentPlan, Quote, QuoteStatus, Receipt
from crm.sales.permissions import INVOICE, PLAN, QUOTE, RECEIPT

BUCKETS = ("not_due", "d0_30", "d31_60", "d61_90", "over_90")
GROUPS = {"customer": ("contract__customer_id", "customers.Customer"), "owner": ("owner_id", "identity.User")}
ZERO = Value(0, output_field=DecimalField(max_digits=14, decimal_places=2))


def plans_of(*, user, contract) -> QuerySet:
    return access_for(user).scoped(PLAN, PaymentPlan.objects.all(), parent=contract).select_related("owner")


def receipts_of(*, user, contract) -> QuerySet:
    return access_for(user).scoped(RECEIPT, Receipt.objects.all(), parent=contract).select_related("created_by")


def invoices_of(*, user, contract) -> QuerySet:
    return access_for(user).scoped(INVOICE, Invoice.objects.all(), parent=contract)


def receipt_list(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    queryset = access_for(user).scoped(RECEIPT, Receipt.objects.all(), listing=True)
    if filters.get("received_from"):
        queryset = queryset.filter(received_on__gte=filters["received_from"])
    if filters.get("received_to"):
        queryset = queryset.filter(received_on__lte=filters["received_to"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("contract"):
        queryset = queryset.filter(contract_id=filters["contract"])
    if access_for(user).narrow_listing(RECEIPT):
        # A few thousand contracts' receipts: read through the contract index and sorted; walking the
        # date index of every receipt would pass over all the others first (docs/benchmarks.md).
        # The contracts and customers of the page come after (prefetched): joined into the sort, the
        # planner hashes every contract.
        return queryset.prefetch_related("contract__customer").order_by(
            Coalesce("received_on", "received_on").desc(), "-id")
    return queryset.select_related("contract", "contract__customer").order_by("-received_on", "-id")


def invoice_list(*, user, filters: dict | None = None) -> QuerySet:
    filters = filters or {}
    queryset = access_for(user).scoped(INVOICE, Invoice.objects.all(), listing=True)
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    if filters.get("contract"):
        queryset = queryset.filter(contract_id=filters["contract"])
    return queryset.select_related("contract", "contract__customer").order_by("-id")


def quote_list(*, user, customer=None, status: str = "", listing: bool = False) -> QuerySet:
    """Quotes the user sees (their own, and their customers'), newest first."""
    queryset = Quote.objects.select_related("customer", "owner")
    if customer is not None:
        queryset = queryset.filter(customer=customer)
    if status in QuoteStatus.values:
        queryset = queryset.filter(status=status)
    return access_for(user).scoped(QUOTE, queryset, listing=listing).order_by("-id")


def quote_get(*, user, pk) -> Quote:
    return access_for(user).get(QUOTE, pk, queryset=Quote.objects.select_related("customer", "owner", "contract"))


def plans_due(*, user, today: datetime.date, days: int = 7) -> QuerySet:
    """Open instalments of the user's own (as plan owner) due within `days` or already overdue."""
    return (
        PaymentPlan.objects.filter(owner=user, received__lt=F("amount"), due_on__lte=today + datetime.timedelta(days))
        .select_related("contract", "contract__customer")
        .order_by("due_on", "id")
    )


def _outstanding(condition: Q):
    return Coalesce(Sum(Case(When(condition, then=F("amount") - F("received")), default=ZERO)), ZERO)


def ageing(*, user, today: datetime.date, group: str = "customer", limit: int | None = None) -> list[dict]:
    """应收账龄: the open part of every instalment in scope, by days past its due date (not yet due,
    0–30, 31–60, 61–90, over 90), per customer or per owner, largest first. The `limit` largest
    groups are found by one lean SUM, then only their buckets are summed, and their names read by
    id: the five bucket sums and the names over every group cost 2 s for an executive at scale 1
    (docs/benchmarks.md)."""
    key, model = GROUPS[group]
    day = datetime.timedelta(days=1)
    conditions = {
        "not_due": Q(due_on__gt=today),
        "d0_30": Q(due_on__lte=today, due_on__gte=today - 30 * day),
        "d31_60": Q(due_on__lt=today - 30 * day, due_on__gte=today - 60 * day),
        "d61_90": Q(due_on__lt=today - 60 * day, due_on__gte=today - 90 * day),
        "over_90": Q(due_on__lt=today - 90 * day),
    }
    plans = access_for(user).scoped(PLAN, PaymentPlan.objects.filter(received__lt=F("amount")), listing=True)
    largest = plans.values(group_id=F(key)).annotate(total=Sum(F("amount") - F("received"))).order_by(
        "-total", "group_id")
    largest = list(largest if limit is None else largest[:limit])
    ids = [row["group_id"] for row in largest if row["group_id"] is not None]
    chosen = Q(**{f"{key}__in": ids})
    if len(ids) < len(largest):  # the instalments without an owner are a group too
        chosen |= Q(**{f"{key}__isnull": True})
    buckets = {
        row.pop("group_id"): row
        for row in plans.filter(chosen).order_by().values(group_id=F(key))
        .annotate(**{bucket: _outstanding(condition) for bucket, condition in conditions.items()})
    }
    names = dict(apps.get_model(model)._default_manager.filter(pk__in=ids).values_list("pk", "name"))
    return [{"group_id": row["group_id"], "group_name": names.get(row["group_id"]), **buckets[row["group_id"]],
             "total": row["total"]} for row in largest]


def ageing_totals(rows) -> dict:
    return {bucket: sum((row[bucket] for row in rows), 0) for bucket in (*BUCKETS, "total")}


def contract_lines(contract) -> list:
    """The lines of a contract the caller already holds (read through the permission engine)."""
    return list(ContractLine.objects.filter(contract=contract).select_related("product").order_by("position"))
