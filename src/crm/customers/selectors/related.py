"""What hangs off one customer, read after the customer itself was fetched in scope: contacts,
follow-ups, interaction records, the timeline, attachments, contracts. Records fetched by their
own id are checked through the customer, so one outside scope is a 404 like its customer."""

from django.db.models import F, Q, QuerySet

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.customers import search
from crm.customers.models import (
    Attachment,
    Contact,
    Contract,
    ContractStatus,
    Customer,
    CustomerEvent,
    FollowUp,
    Interaction,
)
from crm.customers.permissions import ATTACHMENT, CONTACT, CONTRACT, FOLLOWUP, INTERACTION
from crm.customers.selectors.scope import customer_queryset


def _visible(user, resource: str, queryset: QuerySet) -> QuerySet:
    if not access_for(user).can(f"{resource}.view"):
        return queryset.none()
    return queryset.filter(customer__in=customer_queryset(user).values("pk"))


def contact_list(*, user, customer: Customer) -> QuerySet:
    return _visible(user, CONTACT, Contact.objects.filter(customer=customer)).order_by("-is_primary", "id")


def followup_list(*, user, customer: Customer) -> QuerySet:
    queryset = FollowUp.objects.filter(customer=customer).select_related("method", "contact", "created_by")
    return _visible(user, FOLLOWUP, queryset).order_by("-followed_at", "-id")


def interaction_list(*, user, customer: Customer) -> QuerySet:
    queryset = Interaction.objects.filter(customer=customer).select_related("created_by")
    return _visible(user, INTERACTION, queryset).order_by("-occurred_on", "-id")


def timeline(*, user, customer: Customer) -> QuerySet:
    return CustomerEvent.objects.filter(customer=customer).select_related("actor").order_by("-created_at", "-id")


def attachment_list(*, user, customer: Customer) -> QuerySet:
    queryset = Attachment.objects.filter(customer=customer).select_related("uploaded_by", "contract")
    return _visible(user, ATTACHMENT, queryset).order_by("-id")


def contract_list(*, user, customer: Customer | None = None, filters: dict | None = None) -> QuerySet:
    """Contracts in scope, of one customer or all, with the list's filters (q, status, signed_from,
    signed_to, amount_min, amount_max) and ordering (a key of CONTRACT_ORDERINGS)."""
    queryset = Contract.objects.select_related("customer", "owner")
    filters = dict(filters or {})
    if "amount" in access_for(user).concealed_fields(CONTRACT):
        # An amount the user sees masked or not at all cannot be found out by filtering or sorting on it.
        filters = {k: v for k, v in filters.items() if k not in AMOUNT_FILTERS}
        if (filters.get("ordering") or "").lstrip("-") == "amount":
            filters["ordering"] = "-id"
    query = (filters.get("q") or "").strip()
    if query:
        queryset = _contract_search(queryset, query)
    for name, lookup in CONTRACT_FILTERS.items():
        if filters.get(name) not in (None, ""):
            queryset = queryset.filter(**{lookup: filters[name]})
    if filters.get("unpaid"):
        queryset = queryset.filter(status__in=SIGNED, received_amount__lt=F("amount"))
    ordering = CONTRACT_ORDERINGS.get(filters.get("ordering") or "-id") or CONTRACT_ORDERINGS["-id"]
    # One customer's: the scope decided by that customer (Access.scoped's `parent`), not listed for the table.
    scoped = access_for(user).scoped(CONTRACT, queryset, listing=True, parent=customer)
    return scoped.order_by(*_nulls_last(ordering))


# Filters that reveal the amount; "unpaid": signed contracts not fully paid (received below the amount).
AMOUNT_FILTERS = ("amount_min", "amount_max", "unpaid")
SIGNED = (ContractStatus.SIGNED, ContractStatus.ACTIVE, ContractStatus.COMPLETED)
CONTRACT_FILTERS = {
    "status": "status",
    "signed_from": "signed_on__gte",
    "signed_to": "signed_on__lte",
    "amount_min": "amount__gte",
    "amount_max": "amount__lte",
}
CONTRACT_ORDERINGS = {
    "-id": ("-id",),
    "signed_on": ("signed_on", "id"),
    "-signed_on": ("-signed_on", "-id"),
    "amount": ("amount", "id"),
    "-amount": ("-amount", "-id"),
}
# Customers matched by a search of the contract list: enough for any real query, bounded for a million.
SEARCH_CUSTOMERS_CAP = 500


def _contract_search(queryset, query: str):
    condition = Q(number__istartswith=query) | Q(title__icontains=query)
    matching = search.matching(query)
    if matching is not None:
        ids = list(Customer.objects.filter(matching).values_list("pk", flat=True)[:SEARCH_CUSTOMERS_CAP])
        if ids:
            condition |= Q(customer_id__in=ids)
    return queryset.filter(condition)


def _nulls_last(names) -> list:
    """Empty dates last; a column that cannot be empty keeps the plain order, which its index
    serves (`id DESC NULLS LAST` is not the primary key's order on PostgreSQL: it sorted every row)."""
    return [_ordered(n[1:], descending=True) if n.startswith("-") else _ordered(n, descending=False) for n in names]


def _ordered(name: str, *, descending: bool):
    if not Contract._meta.get_field(name).null:
        return F(name).desc() if descending else F(name).asc()
    return F(name).desc(nulls_last=True) if descending else F(name).asc(nulls_last=True)


def _get(user, resource: str, model, pk, related=()):
    queryset = _visible(user, resource, model.objects.select_related("customer", *related))
    try:
        return queryset.get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def contact_get(*, user, pk) -> Contact:
    return _get(user, CONTACT, Contact, pk)


def followup_get(*, user, pk) -> FollowUp:
    return _get(user, FOLLOWUP, FollowUp, pk, ("method",))


def interaction_get(*, user, pk) -> Interaction:
    return _get(user, INTERACTION, Interaction, pk)


def attachment_get(*, user, pk) -> Attachment:
    return _get(user, ATTACHMENT, Attachment, pk)


def contract_get(*, user, pk) -> Contract:
    """A contract its owner sees, and whoever sees its customer (ADR 0017)."""
    return access_for(user).get(CONTRACT, pk, queryset=Contract.objects.select_related("customer", "owner"))
