"""The figures of a person's work in a period, counted from the records: one grouped query per
measure for any number of people (targets' actuals and work reports share it).

Each measure dates the work by its own column and credits it to one person:
- won amount: opportunities won (closed as succeeded) in the period, their expected amount, to the
  account manager;
- received: confirmed receipts received in the period, to the contract's owner;
- new customers: customers created in the period, to their account manager;
- follow-ups, customers contacted: follow-ups made in the period, to who wrote them;
- new opportunities: created in the period, to who created them.

The figures are the people's whole work, not narrowed to the viewer's scope of customers: whoever
may read a person's target or report may read what it is measured against."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Model, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.customers.models import Customer, FollowUp
from crm.customers.selectors import followup_tally
from crm.opportunities.models import Opportunity, OpportunityStatus
from crm.sales.models import Receipt, ReceiptStatus
from crm.salesadmin.periods import Period

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    model: type[Model]
    when: str
    person: str
    value: Callable  # (filter=None) -> aggregate expression
    only: Q = field(default_factory=Q)
    dates: bool = False  # `when` is a date, not a timestamp
    money: bool = False
    # Counted from the follow-up tally (ADR 0027): (start, end, people=, group=) -> {person or 0: value}.
    tally: Callable | None = None

    def zero(self):
        return Decimal("0.00") if self.money else 0

    def clean(self, value):
        """SQLite sums decimals as floats: money back to cents."""
        if value is None:
            return self.zero()
        return Decimal(str(value)).quantize(CENT) if self.money else value


MEASURES = {
    m.key: m
    for m in (
        Measure("won_amount", _("Won amount"), Opportunity, "closed_at", "owner",
                lambda **kw: Sum("expected_amount", **kw),
                only=Q(status=OpportunityStatus.WON), money=True),
        Measure("received", _("Payments received"), Receipt, "received_on", "contract__owner",
                lambda **kw: Sum("amount", **kw),
                only=Q(status=ReceiptStatus.CONFIRMED), dates=True, money=True),
        # Each count counts the dating column (never empty in the period): an index holding it answers alone.
        Measure("new_customers", _("New customers"), Customer, "created_at", "manager",
                lambda **kw: Count("created_at", **kw)),
        Measure("followups", pgettext_lazy("a count", "Follow-ups"), FollowUp, "followed_at", "created_by",
                lambda **kw: Count("followed_at", **kw), tally=followup_tally.followups_counted),
        Measure("customers_contacted", _("Customers contacted"), FollowUp, "followed_at", "created_by",
                lambda **kw: Count("customer_id", distinct=True, **kw), tally=followup_tally.customers_contacted),
        Measure("new_opportunities", _("New opportunities"), Opportunity, "created_at", "created_by",
                lambda **kw: Count("created_at", **kw)),
    )
}
TARGETED = ("won_amount", "received", "new_customers", "followups")
REPORTED = ("followups", "customers_contacted", "new_customers", "new_opportunities", "won_amount", "received")


def by_person(keys: Iterable[str], period: Period, people) -> dict[str, dict[int, object]]:
    """{measure key: {user id: value}} for the people (a queryset of users or a list of ids)."""
    found = {}
    for key in keys:
        measure = MEASURES[key]
        if measure.tally is not None:
            found[key] = measure.tally(period.start, period.end, people=people, group="person")
            continue
        rows = (
            measure.model._default_manager.filter(measure.only, **{f"{measure.person}__in": people})
            .filter(**period.lookup(measure.when, dates=measure.dates))
            .order_by()
            .values_list(measure.person)
            .annotate(value=measure.value())
            .values_list(measure.person, "value")
        )
        found[key] = {person: measure.clean(value) for person, value in rows}
    return found


def of_person(keys: Iterable[str], period: Period, user_id: int) -> dict[str, object]:
    found = by_person(keys, period, [user_id])
    return {key: values.get(user_id, MEASURES[key].zero()) for key, values in found.items()}


def summed(found: dict[str, dict[int, object]], user_ids: Iterable[int]) -> dict[str, object]:
    """The figures of a group of people (a team, a branch) added up. Not for customers contacted:
    two people may contact the same customer."""
    ids = list(user_ids)
    return {key: sum((values.get(uid, MEASURES[key].zero()) for uid in ids), MEASURES[key].zero())
            for key, values in found.items()}


def totals(keys: Iterable[str], periods: dict[str, Period], people) -> dict[str, dict[str, object]]:
    """{measure key: {period name: value}} for a group of people taken together (a queryset of users
    or a list of ids): one query per measure over the widest period, a filtered aggregate per period."""
    low = min(p.start for p in periods.values())
    high = max(p.end for p in periods.values())
    found = {}
    for key in keys:
        measure = MEASURES[key]
        if measure.tally is not None:
            found[key] = {name: measure.tally(p.start, p.end, people=people, group=None).get(0, 0)
                          for name, p in periods.items()}
            continue
        row = (
            measure.model._default_manager.filter(measure.only, **{f"{measure.person}__in": people})
            .filter(**Period(low, high).lookup(measure.when, dates=measure.dates))
            .aggregate(**{name: measure.value(filter=Q(**period.lookup(measure.when, dates=measure.dates)))
                          for name, period in periods.items()})
        )
        found[key] = {name: measure.clean(value) for name, value in row.items()}
    return found
