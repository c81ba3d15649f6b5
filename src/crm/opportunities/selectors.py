"""Every read of opportunities and plan items goes through the permission engine's scope: an
opportunity outside it does not exist for the user (404)."""

from django.db.models import Count, Q, QuerySet, Value
from django.db.models.functions import Replace

from crm.access.engine import access_for
from crm.core.pagination import tab_counts
from crm.opportunities.models import Opportunity, OpportunityStatus, PlanItem
from crm.opportunities.permissions import OPPORTUNITY, PLAN_ITEM

# The list's views (tabs): what each shows, before the filters.
VIEWS = {
    "unassigned": Q(status=OpportunityStatus.UNASSIGNED),
    "developing": Q(status=OpportunityStatus.DEVELOPING),
    "won": Q(status=OpportunityStatus.WON),
    "lost": Q(status=OpportunityStatus.LOST),
    "all": Q(),
}
ORDERINGS = {
    "-id": ("-id",),
    "id": ("id",),
    "-probability": ("-probability", "-id"),
    "probability": ("probability", "id"),
    "-assigned_at": ("-assigned_at", "-id"),
    "-priority": ("-priority", "-id"),
    "expected_close": ("expected_close", "id"),
}


def opportunity_list(*, user, filters: dict | None = None, customer=None) -> QuerySet:
    """Opportunities in the user's scope: `view` (a key of VIEWS), `mine` (assigned to the user),
    `created` (created by the user), `owner`, `stage`, `tag`, `q` (number, customer, summary or contact),
    `ordering` (a key of ORDERINGS)."""
    filters = filters or {}
    queryset = Opportunity.objects.select_related("owner", "created_by", "customer")
    queryset = queryset.filter(VIEWS.get(filters.get("view") or "all", Q()))
    if filters.get("mine"):
        queryset = queryset.filter(owner_id=user.pk)
    if filters.get("created"):
        queryset = queryset.filter(created_by_id=user.pk)
    if filters.get("owner"):
        queryset = queryset.filter(owner_id=filters["owner"])
    if filters.get("stage"):
        queryset = queryset.filter(stage_id=filters["stage"])
    if filters.get("tag"):
        queryset = queryset.filter(tags=filters["tag"])
    query = (filters.get("q") or "").strip()[:100]
    if query:
        spaced = Replace(Replace("contact_phone", Value(" "), Value("")), Value("-"), Value(""))
        queryset = queryset.alias(phone_digits=spaced).filter(_matching(user, query))
    ordering = ORDERINGS.get(filters.get("ordering") or "-id", ORDERINGS["-id"])
    # One customer's (its 360 page): the scope decided by that customer, not listed for the table.
    return access_for(user).scoped(OPPORTUNITY, queryset, listing=True, parent=customer).order_by(*ordering)


def _matching(user, query: str) -> Q:
    condition = (
        Q(number__iexact=query)
        | Q(customer_name__icontains=query)
        | Q(summary__icontains=query)
        | Q(contact_name__icontains=query)
    )
    # A value the user sees masked is not searchable: the hits would confirm a guess of it.
    digits = "".join(ch for ch in query if ch.isdigit())
    if len(digits) >= 4 and "contact_phone" not in access_for(user).concealed_fields(OPPORTUNITY):
        condition |= Q(phone_digits__contains=digits)
    return condition


def opportunity_get(*, user, pk) -> Opportunity:
    queryset = Opportunity.objects.select_related("owner", "created_by", "customer", "assigned_by")
    return access_for(user).get(OPPORTUNITY, pk, queryset=queryset)


def view_counts(*, user) -> dict[str, int | None]:
    """How many opportunities each status tab holds for the user: exact, in one GROUP BY, over a
    scope; bounded per tab (None: over 1,000) for those who see them all."""
    access = access_for(user)
    if access.sees_all(OPPORTUNITY):
        return tab_counts(access.scoped(OPPORTUNITY), {key: VIEWS[key] for key in OpportunityStatus.values})
    rows = access.scoped(OPPORTUNITY, listing=True).order_by().values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in rows}
    return {key: counts.get(key, 0) for key in OpportunityStatus.values}


def plan_items(*, user, opportunity: Opportunity) -> QuerySet:
    """The development plan of an opportunity the user sees, by date."""
    return access_for(user).scoped(PLAN_ITEM, PlanItem.objects.all(), parent=opportunity)


def plan_item_get(*, user, opportunity: Opportunity, pk) -> PlanItem:
    queryset = PlanItem.objects.filter(opportunity=opportunity).select_related("opportunity")
    return access_for(user).get(PLAN_ITEM, pk, queryset=queryset)


def with_next_step(opportunities) -> list[Opportunity]:
    """The opportunities, each with `next_step`: its first plan item without a result (one query)."""
    opportunities = list(opportunities)
    steps: dict[int, PlanItem] = {}
    pending = PlanItem.objects.filter(opportunity__in=[o.pk for o in opportunities], result="").order_by("date", "id")
    for item in pending:
        steps.setdefault(item.opportunity_id, item)
    for opportunity in opportunities:
        opportunity.next_step = steps.get(opportunity.pk)
    return opportunities
