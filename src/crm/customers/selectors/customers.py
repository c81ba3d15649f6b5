"""Reading customers: the list with its filters, search and sort orders (CUS-11), one customer,
the global search (search box), and the facts for the customer 360 page (CUS-10)."""

import datetime
import re
from dataclasses import dataclass, field

from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.access.shares import shared_with
from crm.core.errors import NotFound, ValidationFailed
from crm.customers import custom_fields, search
from crm.customers.conditions import conditions_q
from crm.customers.models import Customer, CustomerStatus, CustomFieldType
from crm.customers.permissions import ATTACHMENT, CONTACT, CONTRACT, CUSTOMER, FOLLOWUP, INTERACTION
from crm.customers.selectors.scope import customer_queryset

# Sort orders offered to people and clients; names sort by pinyin (C collation sorts Chinese by code point).
ORDERINGS = {
    "-id": ("-id",),
    "id": ("id",),
    "name": ("name_pinyin", "id"),
    "-name": ("-name_pinyin", "-id"),
    "number": ("number",),
    "-number": ("-number",),
    "created_at": ("created_at", "id"),
    "-created_at": ("-created_at", "-id"),
    "updated_at": ("updated_at", "id"),
    "-updated_at": ("-updated_at", "-id"),
    "last_followup_at": ("last_followup_at", "id"),
    "-last_followup_at": ("-last_followup_at", "-id"),
    "next_followup_on": ("next_followup_on", "id"),
    "-next_followup_on": ("-next_followup_on", "-id"),
    "satisfaction": ("satisfaction", "id"),
    "-satisfaction": ("-satisfaction", "-id"),
    "credit": ("credit", "id"),
    "-credit": ("-credit", "-id"),
}
DEFAULT_ORDERING = "-id"
# Quick filters: query parameter -> lookup. Each has an index (Customer.Meta.indexes).
REF_FILTERS = {
    "region": "region_id",
    "level": "level_id",
    "source": "source_id",
    "industry": "industry_id",
    "customer_type": "customer_type_id",
    "stage": "stage_id",
    "potential": "potential_id",
    "province": "province_id",
    "city": "city_id",
    "pool": "pool_id",
}


RANGES = (
    ("last_followup_from", "last_followup_to"),
    ("next_followup_from", "next_followup_to"),
    ("created_from", "created_to"),
)
YES = ("1", "true", "yes", "y", "on")


def _id(raw: str) -> int:
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError(_("Enter an id: a whole number from 1."))
    return int(raw)


def _region(raw: str) -> str:
    if not re.fullmatch(r"\d{6}", raw):
        raise ValueError(_("Enter a region code of six digits."))
    return raw


def _manager(raw: str):
    if raw not in ("me", "none") and not raw.isdigit():
        raise ValueError(_('Enter a user id, "me" or "none".'))
    return int(raw) if raw.isdigit() else raw


def _one_of(options):
    def parse(raw: str) -> str:
        if raw not in options:
            raise ValueError(_("Choose one of: %(options)s") % {"options": "、".join(options)})
        return raw

    return parse


def _date(raw: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError as exc:
        raise ValueError(_("Enter a date as YYYY-MM-DD.")) from exc


def _yes_no(raw: str) -> bool:
    if raw.lower() not in (*YES, "0", "false", "no", "n", "off"):
        raise ValueError(_("Enter yes or no."))
    return raw.lower() in YES


def _text(raw: str) -> str:
    if len(raw) > 100:
        raise ValueError(_("At most %(limit)d characters.") % {"limit": 100})
    return raw


# The list's quick filters as query parameters, read alike by the page, the API (which documents
# them: crm.customers.api.serializers.customers.CustomerFilterSerializer) and exports; `tag` may
# repeat. Custom fields filter as `custom.<key>=<value>` besides.
PARAMETERS = {
    "search": _text,
    "q": _text,  # the page's name for search
    **{name: _region if name in ("province", "city") else _id for name in REF_FILTERS},
    "manager": _manager,
    "status": _one_of(CustomerStatus.values),
    "tag": _id,
    **{name: _date for pair in RANGES for name in pair},
    "shared": _yes_no,
    "ordering": _one_of(list(ORDERINGS)),
}
CUSTOM_PARAMETER = re.compile(r"(?:custom\.|cf_)(.+)")  # cf_<key>: the page's name before, in saved views


@dataclass
class CustomerFilters:
    """The list's filters, already parsed: the quick filters (`from_params`), and on the page the
    workbench's "due soon" and the conditions of crm.customers.conditions."""

    q: str = ""
    refs: dict = field(default_factory=dict)  # REF_FILTERS name -> id
    manager: object = None  # a user id, "me", or "none" (in the pool)
    status: str = ""
    tags: list = field(default_factory=list)
    last_followup_from: datetime.date | None = None
    last_followup_to: datetime.date | None = None
    next_followup_from: datetime.date | None = None
    next_followup_to: datetime.date | None = None
    created_from: datetime.date | None = None
    created_to: datetime.date | None = None
    custom: dict = field(default_factory=dict)  # key -> value (exact; text contains)
    shared_with_me: bool = False
    pool_due_soon: bool = False
    conditions: list = field(default_factory=list)
    logic: str = "and"
    ordering: str = DEFAULT_ORDERING

    @classmethod
    def from_params(cls, params) -> "CustomerFilters":
        """The quick filters of a list's query string (a QueryDict): PARAMETERS and `custom.<key>`.
        A blank value filters nothing; values that do not fit raise ValidationFailed naming them."""
        values, errors = {}, {}
        for name, parse in PARAMETERS.items():
            try:
                found = [parse(raw.strip()) for raw in params.getlist(name) if raw.strip()]
            except ValueError as exc:
                errors[name] = [str(exc)]
            else:
                values[name] = found
        last = {name: found[-1] for name, found in values.items() if found}
        for start, end in RANGES:
            if last.get(start) and last.get(end) and last[start] > last[end]:
                errors[end] = [_("The end date is before the start date.")]
        custom = _custom_filters(params, errors)
        if errors:
            raise ValidationFailed(fields=errors)
        return cls(
            q=last.get("search") or last.get("q", ""),
            refs={name: last[name] for name in REF_FILTERS if name in last},
            manager=last.get("manager"),
            status=last.get("status", ""),
            tags=values.get("tag", []),
            **{name: last.get(name) for pair in RANGES for name in pair},
            custom=custom,
            shared_with_me=last.get("shared", False),
            ordering=last.get("ordering", DEFAULT_ORDERING),
        )


def _custom_filters(params, errors: dict) -> dict:
    """`custom.<key>=<value>` as stored values, checked like entered ones; what does not fit goes to `errors`."""
    wanted = {m[1]: value for name, value in params.items() if (m := CUSTOM_PARAMETER.match(name)) and value.strip()}
    definitions = {d.key: d for d in custom_fields.definitions("customer")} if wanted else {}
    result = {}
    for key, raw in wanted.items():
        definition = definitions.get(key)
        if definition is None:
            errors[f"custom.{key}"] = [_("There is no custom field %(key)s.") % {"key": key}]
        elif definition.field_type == CustomFieldType.MULTICHOICE:
            errors[f"custom.{key}"] = [_("Multiple-choice fields cannot be used as a filter here.")]
        else:
            try:
                result[key] = custom_fields.convert(definition, raw)
            except ValueError as exc:
                errors[f"custom.{key}"] = [str(exc)]
    return {key: value for key, value in result.items() if value is not None}


def customer_list(*, user, filters: CustomerFilters | None = None, action: str = "view") -> QuerySet:
    """The customers a user may see, filtered and sorted; rows carry what the list shows."""
    filters = filters or CustomerFilters()
    # The list is the user's scope; pool customers show when asked for (manager "none").
    queryset = customer_queryset(user, action=action, include_pools=filters.manager == "none").for_list()
    ordering = ORDERINGS.get(filters.ordering) or ORDERINGS[DEFAULT_ORDERING]
    if access_for(user).scope_filter(CUSTOMER) is not None:
        ordering = [_sorted_after_filtering(term) for term in ordering]
    return _filtered(queryset, user, filters).order_by(*ordering)


def customer_list_by_branch(*, user, filters: CustomerFilters | None = None) -> QuerySet:
    """`customer_list` for pages sorted by id, read branch by branch when the user's scope has
    several (their own customers, those shared with them): a UNION ALL of each branch's customers,
    none twice. Their OR can be read in no index's order, so PostgreSQL walked the primary key past
    every other manager's customers to fill a page; each branch alone follows its own index (the
    manager's, the shared ids) and the page stops after its rows (docs/benchmarks.md, issue 19).
    Rows carry no related records (the list API reads what it shows after the page). Any other
    list is `customer_list`'s."""
    filters = filters or CustomerFilters()
    access = access_for(user)
    branches = access.scope_branches(CUSTOMER)
    ordering = ORDERINGS.get(filters.ordering) or ORDERINGS[DEFAULT_ORDERING]
    by_id = ordering in (ORDERINGS["-id"], ORDERINGS["id"])
    several = branches is not None and len(branches) > 1
    if not (by_id and several and filters.manager != "none" and access.can(f"{CUSTOMER}.view")):
        return customer_list(user=user, filters=filters)
    customers = _filtered(Customer.objects.order_by(), user, filters)
    parts, earlier = [], None
    for branch in branches:
        parts.append(customers.filter(branch) if earlier is None else customers.filter(branch).exclude(earlier))
        earlier = branch if earlier is None else earlier | branch
    return parts[0].union(*parts[1:], all=True).order_by(*ordering)


def _filtered(queryset: QuerySet, user, filters: CustomerFilters) -> QuerySet:
    """The list's filters (not its scope, not its order) on a queryset of customers."""
    access = access_for(user)
    if filters.q:
        condition = search.matching(filters.q, phone_digits=may_search_phones(user))
        queryset = queryset.filter(condition) if condition is not None else queryset.none()
    for name, value in filters.refs.items():
        if value not in (None, "") and name in REF_FILTERS:
            queryset = queryset.filter(**{REF_FILTERS[name]: value})
    if filters.manager == "me":
        queryset = queryset.filter(manager=user)
    elif filters.manager == "none":
        queryset = queryset.filter(manager__isnull=True)
    elif filters.manager:
        queryset = queryset.filter(manager_id=filters.manager)
    if filters.status in CustomerStatus.values:
        queryset = queryset.filter(status=filters.status)
    if filters.tags:
        through = Customer.tags.through.objects.filter(tag_id__in=list(filters.tags)).values("customer_id")
        queryset = queryset.filter(pk__in=through)
    ranges = [
        ("last_followup_at__date__gte", filters.last_followup_from),
        ("last_followup_at__date__lte", filters.last_followup_to),
        ("next_followup_on__gte", filters.next_followup_from),
        ("next_followup_on__lte", filters.next_followup_to),
        ("created_at__date__gte", filters.created_from),
        ("created_at__date__lte", filters.created_to),
    ]
    for lookup, value in ranges:
        if value:
            queryset = queryset.filter(**{lookup: value})
    for key, value in filters.custom.items():
        if value not in (None, ""):
            queryset = queryset.filter(**{f"custom__{key}": value})
    if filters.shared_with_me:
        queryset = queryset.filter(pk__in=shared_with(CUSTOMER, user))
    if filters.pool_due_soon:
        queryset = queryset.filter(manager=user, pool_warned_at__isnull=False)
    if filters.conditions:
        hidden = access.hidden_fields(CUSTOMER) | access.masked_fields(CUSTOMER)
        queryset = queryset.filter(conditions_q(filters.conditions, filters.logic, hidden=hidden))
    return queryset


def _sorted_after_filtering(term: str):
    """A salesperson's few thousand customers are found by the owner index, then sorted. Left to
    itself, PostgreSQL walks the whole sort index (name, dates) for them instead, reading a
    hundred thousand rows for twenty (docs/benchmarks.md); sorting by an expression keeps it
    from doing so. The id, the tie-breaker, stays as it is."""
    descending = term.startswith("-")
    name = term.lstrip("-")
    if name == "id":
        return term
    expression = Coalesce(F(name), F(name))
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


def may_search_phones(user) -> bool:
    """Phone fragments find customers only for users who may see customers' and contacts' phones."""
    access = access_for(user)
    blocked = access.hidden_fields(CUSTOMER) | access.masked_fields(CUSTOMER)
    contact_blocked = access.hidden_fields(CONTACT) | access.masked_fields(CONTACT)
    return "phone" not in blocked and not {"mobile", "office_phone"} & contact_blocked


def customer_get(*, user, pk, for_update: bool = False) -> Customer:
    """One customer the user may see (in scope, or in a pool open to them), else NotFound."""
    queryset = customer_queryset(user).for_detail()
    try:
        return queryset.get(pk=pk)
    except (Customer.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def customer_search(*, user, query: str, limit: int = 10) -> list[Customer]:
    """The global search box: customers by name fragment, pinyin, initials, phone, contact, number."""
    condition = search.matching(query, phone_digits=may_search_phones(user))
    if condition is None:
        return []
    queryset = customer_queryset(user).filter(condition).select_related("manager").order_by("-id")
    return list(queryset[:limit])


def customer_ids_named(query: str, *, limit: int = 1000) -> list[int]:
    """Ids of the customers whose name (or pinyin, initials, contact) matches `query`, newest
    first, through the search index: for other modules that filter their own, already scoped
    records by their customer's name (a LIKE over a million names reads them all). Phone digits
    are not searched: the caller's users may not see them."""
    condition = search.matching(query, phone_digits=False)
    if condition is None:
        return []
    return list(Customer.objects.filter(condition).order_by("-id").values_list("pk", flat=True)[:limit])


def customer_permissions(*, user, customer: Customer) -> dict:
    """What the user may do with this customer and what hangs off it, for the page's buttons
    (the engine's abilities: one query for the customer's edit scope)."""
    access = access_for(user)
    may = access.abilities(CUSTOMER, customer)
    child = {code: access.abilities(code, parent=customer) for code in (CONTACT, FOLLOWUP, INTERACTION, ATTACHMENT)}
    managed = customer.manager_id is not None
    pooled = customer.pool_id is not None
    return {
        **may,
        "edit": may["edit"] and (customer.status == CustomerStatus.NORMAL or access.can(f"{CUSTOMER}.manage")),
        "handover": may["handover"] and managed,
        "release": may["release"] and managed,
        "claim": pooled and access.can(f"{CUSTOMER}.claim"),
        "assign": pooled and access.can(f"{CUSTOMER}.assign"),
        "add_contact": child[CONTACT]["create"],
        "edit_contact": child[CONTACT]["edit"],
        "delete_contact": child[CONTACT]["delete"],
        "add_followup": child[FOLLOWUP]["create"],
        "add_interaction": child[INTERACTION]["create"],
        "edit_interaction": child[INTERACTION]["edit"],
        "upload": child[ATTACHMENT]["create"],
        "delete_attachment": child[ATTACHMENT]["delete"],
        "add_contract": access.abilities(CONTRACT, parent=customer)["create"],
        "merge": access.can(f"{CUSTOMER}.merge"),
    }


def due_for_followup(*, user, days: int = 7, limit: int = 10) -> QuerySet:
    """The user's own customers to call soon (workbench)."""
    today = timezone.localdate()
    return (
        Customer.objects.filter(
            manager=user, next_followup_on__isnull=False, next_followup_on__lte=today + datetime.timedelta(days=days)
        )
        .select_related("level")
        .order_by("next_followup_on", "id")[:limit]
    )


def recently_followed(*, user, limit: int = 10) -> QuerySet:
    return Customer.objects.filter(manager=user, last_followup_at__isnull=False).order_by("-last_followup_at")[:limit]
