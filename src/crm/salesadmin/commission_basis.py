"""What a commission is computed on: the documents of a month that count for each salesperson,
set-based (one query per basis for everybody, whatever the number of people or categories).

The documents and the person they count for are the target figures' own (crm.salesadmin.figures):
- received: confirmed receipts received in the month, to the contract's owner;
- won: opportunities won (closed as succeeded) in the month, their expected amount, to the owner.

A rule limited to a product category counts the share of each document that lines of that
category make: for a receipt, the category's share of its contract's lines (sum of the lines'
amounts whose product has the category ÷ sum of all the contract's lines); for a won
opportunity, the same share over the lines of its quotes the customer accepted (or that were
converted into a contract). A document without such lines brings nothing to a category rule."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from crm.sales.models import ContractLine, QuoteLine, QuoteStatus
from crm.salesadmin import figures
from crm.salesadmin.periods import Period

CENT = Decimal("0.01")
SHARE = Decimal("0.0001")
LISTED = 100  # documents kept in a line's explanation; the count and the total are always whole

# basis -> (figures' measure, amount column, label of the document kind, column of its number,
#           column of its date, the lines that share it out: (model, path to the document))
BASES = {
    "received": ("received", "amount", "receipt", "number", "received_on", (ContractLine, "contract")),
    "won": ("won_amount", "expected_amount", "opportunity", "number", "closed_at", (QuoteLine, "quote__opportunity")),
}
WON_QUOTES = (QuoteStatus.ACCEPTED, QuoteStatus.CONVERTED)


def _lines_sum(basis: str, category: str | None):
    model, path = BASES[basis][5]
    outer = "contract_id" if basis == "received" else "pk"
    lines = model.objects.filter(**{path: OuterRef(outer)})
    if basis == "won":
        lines = lines.filter(quote__status__in=WON_QUOTES)
    if category is not None:
        lines = lines.filter(product__category=category)
    summed = lines.order_by().values(path).annotate(total=Sum("amount")).values("total")
    return Coalesce(Subquery(summed, output_field=DecimalField(**{"max_digits": 16, "decimal_places": 2})),
                    Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=2))


def money(value) -> Decimal:
    """SQLite hands sums back as floats: money back to cents."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Basis:
    """A person's basis under one (basis, category): the total and the documents it came from."""

    total: Decimal = Decimal("0.00")
    count: int = 0
    documents: list = field(default_factory=list)

    def add(self, document: dict) -> None:
        self.total += Decimal(document["counted"])
        self.count += 1
        if len(self.documents) < LISTED:
            self.documents.append(document)


def documents(basis: str, categories: set[str], period: Period) -> dict[tuple[str, str], dict[int, Basis]]:
    """{(basis, category or ""): {user id: Basis}} for everybody with documents in the period: one
    query, the categories' line sums as sub-queries of it."""
    key, amount, kind, number, when, _lines = BASES[basis]
    measure = figures.MEASURES[key]
    names = sorted(categories)
    annotations = {}
    if names:
        annotations["lines_all"] = _lines_sum(basis, None)
        annotations.update({f"cat_{i}": _lines_sum(basis, name) for i, name in enumerate(names)})
    rows = (
        measure.model._default_manager.filter(measure.only, **{f"{measure.person}__isnull": False})
        .filter(**period.lookup(measure.when, dates=measure.dates))
        .annotate(**annotations)
        .order_by(measure.when, "pk")
        .values("pk", number, amount, when, measure.person, *annotations)
    )
    found: dict[tuple[str, str], dict[int, Basis]] = defaultdict(lambda: defaultdict(Basis))
    for row in rows:
        person, value = row[measure.person], money(row[amount])
        day = row[when]
        day = timezone.localtime(day).date() if isinstance(day, datetime.datetime) else day
        document = {"kind": kind, "id": row["pk"], "number": row[number], "date": day.isoformat(),
                    "amount": str(value)}
        found[(basis, "")][person].add({**document, "share": None, "counted": str(value)})
        for i, name in enumerate(names):
            whole, part = Decimal(str(row["lines_all"] or 0)), Decimal(str(row[f"cat_{i}"] or 0))
            if not part or not whole:
                continue
            share = (part / whole).quantize(SHARE, rounding=ROUND_HALF_UP)
            counted = money(value * part / whole)
            found[(basis, name)][person].add({**document, "share": str(share), "counted": str(counted)})
    return found
