"""Commissions 提成 (SADM-4): rules, the monthly calculation, review, lock and adjustments.

A month is calculated for the whole company at once: one query per basis for everybody's
documents (crm.salesadmin.commission_basis), one per measure for the attainment of the targets
(crm.salesadmin.figures), one for the targets; then its rule lines are deleted and inserted again
in the same transaction. Every write to a month starts with a conditional UPDATE of the month's
row that excludes a locked month: the row is then held for the rest of the transaction (PostgreSQL
row lock, SQLite's write lock), so a lock and a calculation cannot interleave, and a locked month
refuses every change with a 409. A correction of a locked month is an adjustment line in the next
month that is not locked, with its reason."""

import datetime
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import audit_create, audit_delete, audit_record, audit_update
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.identity.models import User
from crm.orders.models import Product
from crm.salesadmin import figures
from crm.salesadmin.commission_basis import CENT, documents
from crm.salesadmin.commission_models import (
    MONTH_STATES,
    CommissionBasis,
    CommissionLine,
    CommissionMonth,
    CommissionRule,
    LineKind,
    MonthStatus,
)
from crm.salesadmin.models import Target
from crm.salesadmin.periods import add_months
from crm.salesadmin.periods import month as month_period
from crm.salesadmin.permissions import COMMISSION, COMMISSION_RULE
from crm.salesadmin.selectors.targets import percent
from crm.salesadmin.services.common import text

MAX_TIERS = 10
MAX_ADJUSTMENT = Decimal("99999999.99")
# basis -> the targeted measure its attainment is of
MEASURE = {CommissionBasis.RECEIVED: "received", CommissionBasis.WON: "won_amount"}


# --- rules ------------------------------------------------------------------------------------------------
def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None


def clean_tiers(raw) -> list[dict]:
    """Tiers as [{"from": "0", "rate": "2"}, …]: 1 to 10, the first from 0% attainment, then rising;
    rates from 0 to 100%. Raises ValidationFailed on the field `tiers`."""
    def refuse(message):
        raise ValidationFailed(fields={"tiers": [message]})

    if not isinstance(raw, list | tuple) or not raw:
        refuse(_("Give at least one tier."))
    if len(raw) > MAX_TIERS:
        refuse(_("Give at most %(count)d tiers.") % {"count": MAX_TIERS})
    tiers, previous = [], None
    for tier in raw:
        low = _decimal(tier.get("from") if isinstance(tier, dict) else None)
        rate = _decimal(tier.get("rate") if isinstance(tier, dict) else None)
        if low is None or rate is None or not low.is_finite() or not rate.is_finite():
            refuse(_("Each tier needs an attainment (%) where it starts and a rate (%)."))
        if not Decimal(0) <= rate <= 100 or low < 0 or low > 10000:
            refuse(_("Rates go from 0 to 100%; attainments from 0 to 10,000%."))
        if previous is None and low != 0:
            refuse(_("The first tier starts at 0% attainment."))
        if previous is not None and low <= previous:
            refuse(_("Each tier starts above the one before."))
        previous = low
        tiers.append({"from": str(low.quantize(CENT)), "rate": str(rate.quantize(CENT))})
    return tiers


def product_categories() -> list[str]:
    """The categories of the ERP's products (a rule may be limited to one)."""
    return list(Product.objects.exclude(category="").order_by("category").values_list("category", flat=True)
                .distinct())


def rule_save(*, actor, data: dict, rule: CommissionRule | None = None) -> CommissionRule:
    """Create a rule or change one; the lines of months already calculated keep what they were."""
    access_for(actor).require(f"{COMMISSION_RULE}.manage")
    errors: dict = {}
    name = text(data.get("name"), 100)
    if not name:
        errors["name"] = [_("Give the rule a name.")]
    basis = data.get("basis")
    if basis not in CommissionBasis.values:
        errors["basis"] = [_("Choose payments received or won amount.")]
    category = text(data.get("category"), 100)
    if category and not Product.objects.filter(category=category).exists():
        errors["category"] = [_("No product has this category.")]
    try:
        tiers = clean_tiers(data.get("tiers"))
    except ValidationFailed as exc:
        errors.update(exc.fields)
    if errors:
        raise ValidationFailed(fields=errors)
    values = {"name": name, "basis": basis, "category": category, "tiers": tiers,
              "active": bool(data.get("active", True))}
    with transaction.atomic():
        if rule is None:
            rule = CommissionRule.objects.create(**values, created_by=actor)
            audit_create(actor=actor, instance=rule, fields=list(values))
            return rule
        rule = CommissionRule.objects.select_for_update().get(pk=rule.pk)
        changes = {key: [getattr(rule, key), value] for key, value in values.items() if getattr(rule, key) != value}
        for key, value in values.items():
            setattr(rule, key, value)
        rule.save()
        audit_update(actor=actor, instance=rule, changes=changes)
        return rule


# --- the calculation --------------------------------------------------------------------------------------
def tier_for(tiers: list[dict], attainment: Decimal | None) -> dict:
    """The tier whose range holds the attainment (a tier starts at its "from", inclusive); no
    target, no attainment: the first tier."""
    level = attainment if attainment is not None else Decimal(0)
    chosen = tiers[0]
    for tier in tiers:
        if Decimal(tier["from"]) <= level:
            chosen = tier
    return chosen


def commission_of(basis: Decimal, rate: Decimal) -> Decimal:
    return (basis * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def compute(rules: list[CommissionRule], day: datetime.date) -> list[CommissionLine]:
    """The month's rule lines (unsaved) for everybody with documents under the rules."""
    period = month_period(day)
    categories: dict[str, set] = defaultdict(set)
    for rule in rules:
        categories[rule.basis] |= {rule.category} - {""}
    found: dict = {}
    for basis, names in categories.items():
        found.update(documents(basis, names, period))
    people = sorted({person for per_person in found.values() for person in per_person})
    if not people:
        return []
    actual = figures.by_person(sorted({MEASURE[basis] for basis in categories}), period, people)
    targets = {row["user_id"]: row for row in
               Target.objects.filter(user_id__in=people, month=period.start).values("user_id", "received",
                                                                                       "won_amount")}
    lines = []
    for rule in rules:
        measure = MEASURE[rule.basis]
        for person, basis in sorted(found.get((rule.basis, rule.category), {}).items()):
            target = (targets.get(person) or {}).get(measure) or None
            done = actual.get(measure, {}).get(person, figures.MEASURES[measure].zero())
            attainment = percent(done, target)
            tier = tier_for(rule.tiers, attainment)
            rate = Decimal(tier["rate"])
            amount = commission_of(basis.total, rate)
            lines.append(CommissionLine(
                user_id=person, kind=LineKind.RULE, rule=rule, rule_name=rule.name, basis=rule.basis,
                category=rule.category, basis_amount=basis.total, target=target, actual=done, attainment=attainment,
                tier_from=Decimal(tier["from"]), rate=rate, amount=amount,
                explanation={"documents": basis.documents, "documents_count": basis.count,
                             "basis_total": str(basis.total), "tiers": rule.tiers, "tier": tier,
                             "target": None if target is None else str(target), "actual": str(done),
                             "attainment": None if attainment is None else str(attainment),
                             "amount": str(amount)},
            ))
    return lines


def _month_row(first: datetime.date) -> CommissionMonth:
    try:
        with transaction.atomic():
            return CommissionMonth.objects.get_or_create(month=first)[0]
    except IntegrityError:  # created at the same moment by someone else
        return CommissionMonth.objects.get(month=first)


def _hold(row: CommissionMonth, action: str, **values) -> None:
    """Claim the month for a change inside the caller's transaction: one conditional UPDATE that
    leaves a locked month alone (and a month not in a state `action` starts from); refused, 409."""
    allowed = [state for state in MonthStatus.values if action in MONTH_STATES.actions(state)]
    held = CommissionMonth.objects.filter(pk=row.pk, status__in=allowed).update(updated_at=timezone.now(), **values)
    if not held:
        row.refresh_from_db(fields=["status"])
        MONTH_STATES.target(row.status, action)  # raises with the status it is in
        raise Conflict()


def _totals(row: CommissionMonth) -> tuple[int, Decimal]:
    summed = row.lines.aggregate(total=Sum("amount"))["total"]
    return row.lines.count(), Decimal(str(summed or 0)).quantize(CENT)


def month_calculate(*, actor, month: datetime.date) -> CommissionMonth:
    """(Re)calculate a month's rule lines from the records: a draft or reviewed month (back to
    draft), never a locked one. Adjustments stay."""
    access_for(actor).require(f"{COMMISSION}.calculate")
    first = month.replace(day=1)
    row = _month_row(first)
    with transaction.atomic():
        _hold(row, "calculate", status=MonthStatus.DRAFT, calculated_at=timezone.now(), calculated_by=actor,
              reviewed_at=None, reviewed_by=None)
        status = row.status  # as read before the row was held: draft or reviewed
        before = _totals(row)
        row.lines.filter(kind=LineKind.RULE).delete()
        lines = compute(list(CommissionRule.objects.filter(active=True)), first)
        for line in lines:
            line.period = row
        CommissionLine.objects.bulk_create(lines)
        after = _totals(row)
        row.refresh_from_db()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=row,
                     changes={"status": [status, row.status], "lines": [before[0], after[0]],
                              "total": [before[1], after[1]]},
                     message=_("Commissions of %(month)s calculated.") % {"month": row})
    return row


def month_get(month: datetime.date) -> CommissionMonth:
    row = CommissionMonth.objects.filter(month=month.replace(day=1)).first()
    if row is None:
        raise NotFound(_("This month has not been calculated."))
    return row


def _step(*, actor, month: datetime.date, action: str, values: dict, message: str) -> CommissionMonth:
    access_for(actor).require(f"{COMMISSION}.{action}")
    row = month_get(month)
    with transaction.atomic():
        before = row.status
        _hold(row, action, **values)
        row.refresh_from_db()
        audit_record(actor=actor, action=AuditAction.UPDATE, instance=row, changes={"status": [before, row.status]},
                     message=message % {"month": row})
    return row


def month_review(*, actor, month: datetime.date) -> CommissionMonth:
    """A calculated draft month checked: ready to be locked."""
    if month_get(month).calculated_at is None:
        raise Conflict(_("Calculate the month first."))
    return _step(actor=actor, month=month, action="review",
                 values={"status": MonthStatus.REVIEWED, "reviewed_at": timezone.now(), "reviewed_by": actor},
                 message=_("Commissions of %(month)s reviewed."))


def month_lock(*, actor, month: datetime.date) -> CommissionMonth:
    """A reviewed month locked for good: its lines never change; corrections go to the next month."""
    return _step(actor=actor, month=month, action="lock",
                 values={"status": MonthStatus.LOCKED, "locked_at": timezone.now(), "locked_by": actor},
                 message=_("Commissions of %(month)s locked."))


# --- adjustments ------------------------------------------------------------------------------------------
def _open_month_after(first: datetime.date) -> datetime.date:
    """The first month after `first` that is not locked."""
    locked = set(CommissionMonth.objects.filter(month__gt=first, status=MonthStatus.LOCKED)
                 .values_list("month", flat=True))
    day = add_months(first, 1)
    while day in locked:
        day = add_months(day, 1)
    return day


def adjustment_add(*, actor, month: datetime.date, user: User, amount, reason: str) -> CommissionLine:
    """An adjustment of a salesperson's commission (positive or negative) with its reason, in this
    month; if the month is locked, in the next month that is not, as the correction of this one."""
    access = access_for(actor)
    access.require(f"{COMMISSION}.calculate")
    if not access.users_in_scope(COMMISSION, User.objects.filter(pk=user.pk)).exists():
        raise NotFound()
    errors: dict = {}
    value = _decimal(amount)
    if value is None or not value.is_finite() or not value or abs(value) > MAX_ADJUSTMENT:
        errors["amount"] = [_("Enter an amount other than 0 (negative to take back).")]
    reason = text(reason, 500)
    if not reason:
        errors["reason"] = [_("Say why.")]
    if errors:
        raise ValidationFailed(fields=errors)
    first = month.replace(day=1)
    corrected = CommissionMonth.objects.filter(month=first, status=MonthStatus.LOCKED).first()
    landing = _open_month_after(first) if corrected else first
    row = _month_row(landing)
    with transaction.atomic():
        _hold(row, "adjust", status=MonthStatus.DRAFT, reviewed_at=None, reviewed_by=None)
        line = CommissionLine.objects.create(period=row, user=user, kind=LineKind.ADJUSTMENT,
                                             amount=value.quantize(CENT, rounding=ROUND_HALF_UP), reason=reason,
                                             corrects=corrected, created_by=actor)
        audit_create(actor=actor, instance=line, fields=["period", "user", "kind", "amount", "reason", "corrects"])
    return line


def adjustment_delete(*, actor, line: CommissionLine) -> None:
    """Take back an adjustment of a month that is not locked."""
    access_for(actor).require(f"{COMMISSION}.calculate")
    if line.kind != LineKind.ADJUSTMENT:
        raise Conflict(_("Only adjustments are deleted; calculate the month again for the rest."))
    with transaction.atomic():
        _hold(line.period, "adjust", status=MonthStatus.DRAFT, reviewed_at=None, reviewed_by=None)
        audit_delete(actor=actor, instance=line, fields=["period", "user", "kind", "amount", "reason"])
        line.delete()
