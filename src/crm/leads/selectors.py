"""Every read of leads, scoped by the permission engine; the pool is open to whoever may claim."""

from django.db.models import Count, Q, QuerySet

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.core.pagination import tab_counts
from crm.leads.models import OPEN_STATUSES, Lead, LeadStatus
from crm.leads.permissions import LEAD

VIEWS = {
    "open": Q(status__in=OPEN_STATUSES),
    "new": Q(status=LeadStatus.NEW),
    "working": Q(status=LeadStatus.WORKING),
    "converted": Q(status=LeadStatus.CONVERTED),
    "disqualified": Q(status=LeadStatus.DISQUALIFIED),
    "all": Q(),
}


def lead_queryset(user) -> QuerySet:
    """The leads the user sees: in scope by owner or creator, and the pool's if they may claim."""
    access = access_for(user)
    scoped = access.scoped(LEAD, Lead.objects.all())
    if access.can(f"{LEAD}.claim"):
        condition = access.scope_filter(LEAD)
        if condition is not None:
            return Lead.objects.filter(condition | Q(owner__isnull=True, status__in=OPEN_STATUSES))
    return scoped


def lead_list(*, user, filters: dict | None = None) -> QuerySet:
    """`view` (a key of VIEWS, default open), `mine`, `pool`, `q` (company, name, number; phone and
    e-mail digits unless masked)."""
    filters = filters or {}
    queryset = lead_queryset(user).select_related("owner", "province", "source")
    queryset = queryset.filter(VIEWS.get(filters.get("view") or "open", VIEWS["open"]))
    if filters.get("mine"):
        queryset = queryset.filter(owner_id=user.pk)
    if filters.get("pool"):
        queryset = queryset.filter(owner__isnull=True)
    query = (filters.get("q") or "").strip()[:100]
    if query:
        condition = Q(company__icontains=query) | Q(name__icontains=query) | Q(number__iexact=query)
        concealed = access_for(user).concealed_fields(LEAD)
        digits = "".join(ch for ch in query if ch.isdigit())
        if len(digits) >= 4 and not concealed & {"mobile", "phone"}:
            condition |= Q(phone_key__contains=digits)
        if "@" in query and "email" not in concealed:
            condition |= Q(email_key=query.lower())
        queryset = queryset.filter(condition)
    return queryset.order_by("-id")


def lead_get(*, user, pk) -> Lead:
    try:
        related = ("owner", "province", "source", "industry", "customer", "opportunity")
        return lead_queryset(user).select_related(*related).get(pk=pk)
    except (Lead.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def view_counts(*, user) -> dict[str, int | None]:
    """How many leads each tab holds: exact over a scope; bounded per tab (None: over 1,000) for
    those who see them all."""
    if access_for(user).sees_all(LEAD):
        keys = ["open", *LeadStatus.values]
        return tab_counts(lead_queryset(user), {key: VIEWS[key] for key in keys})
    rows = lead_queryset(user).order_by().values("status").annotate(n=Count("id"))
    counts = {row["status"]: row["n"] for row in rows}
    return {
        "open": counts.get(LeadStatus.NEW, 0) + counts.get(LeadStatus.WORKING, 0),
        **{status: counts.get(status, 0) for status in LeadStatus.values},
    }
