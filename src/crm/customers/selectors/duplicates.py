"""Probable duplicates across the base (CUS-9): customers sharing a normalised key, in groups,
within the user's data scope. One GROUP BY over the key table, then the page's customers."""

import json
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Q

from crm.access.engine import access_for
from crm.customers.models import MATCHING_KINDS, Customer, CustomerKey, KeyKind
from crm.customers.permissions import CUSTOMER


@dataclass
class DuplicateGroup:
    kind: str
    value: str
    customers: list

    @property
    def kind_label(self) -> str:
        return KeyKind(self.kind).label


def duplicate_groups(*, user, kind: str = "", offset: int = 0, limit: int = 20) -> tuple[list[DuplicateGroup], bool]:
    """A page of groups (largest first) and whether more follow."""
    access = access_for(user)
    keys = CustomerKey.objects.filter(contact__isnull=True, kind__in=MATCHING_KINDS)
    if kind in MATCHING_KINDS:
        keys = keys.filter(kind=kind)
    condition = access.scope_filter(CUSTOMER)
    if not access.can(f"{CUSTOMER}.merge"):
        return [], False
    if condition is not None:
        keys = keys.filter(customer__in=Customer.objects.filter(condition).values("pk"))
    rows = list(
        keys.values("kind", "value")
        .annotate(n=Count("customer_id", distinct=True))
        .filter(n__gt=1)
        .order_by("-n", "kind", "value")[offset : offset + limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    if not rows:
        return [], False
    wanted = Q()
    for row in rows:
        wanted |= Q(kind=row["kind"], value=row["value"])
    members = keys.filter(wanted).values_list("kind", "value", "customer_id")
    by_group: dict[tuple, list[int]] = {}
    for key_kind, value, customer_id in members:
        by_group.setdefault((key_kind, value), []).append(customer_id)
    customers = Customer.objects.for_list().in_bulk({pk for ids in by_group.values() for pk in ids})
    groups = [
        DuplicateGroup(
            kind=row["kind"],
            value=row["value"],
            customers=sorted(
                (customers[pk] for pk in set(by_group.get((row["kind"], row["value"]), [])) if pk in customers),
                key=lambda c: c.pk,
            ),
        )
        for row in rows
    ]
    return [g for g in groups if len(g.customers) > 1], more


def key_holders(wanted: dict[str, set[str]]) -> dict[tuple[str, str], set[int]]:
    """{(kind, value): ids of the customers holding that key} for many keys at once (an import's
    batch). Each kind's values go as one parameter (an array; JSON on SQLite): thousands of
    values through the ORM's `__in` cost more to prepare than the query takes to run."""
    wanted = {kind: values for kind, values in wanted.items() if values}
    if not wanted:
        return {}
    table = connection.ops.quote_name(CustomerKey._meta.db_table)
    if connection.vendor == "postgresql":
        test, pack = "value = ANY(%s)", sorted
    else:
        test, pack = "value IN (SELECT value FROM json_each(%s))", lambda values: json.dumps(sorted(values))
    where = " OR ".join(f"(kind = %s AND {test})" for _kind in wanted)
    params = [item for kind, values in wanted.items() for item in (str(kind), pack(values))]
    holders: dict[tuple[str, str], set[int]] = {}
    with connection.cursor() as cursor:
        sql = f"SELECT customer_id, kind, value FROM {table} WHERE {where}"  # noqa: S608  (constant names; values bound)
        cursor.execute(sql, params)
        for customer_id, kind, value in cursor.fetchall():
            holders.setdefault((kind, value), set()).add(customer_id)
    return holders
