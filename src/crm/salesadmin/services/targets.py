"""Sales targets 销售任务 and the monthly review 业务员月度考核 (SADM-1): set by the superior, one row
per person (or department) and month."""

import datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.core.errors import ValidationFailed
from crm.identity.models import Department, User
from crm.salesadmin.models import Review, Target
from crm.salesadmin.permissions import TARGET
from crm.salesadmin.services.common import department_below, score_of, subordinate, text, upsert

MAX_MONEY = Decimal("999999999999.99")
MAX_COUNT = 1_000_000


def _amount(data: dict, key: str, errors: dict) -> Decimal:
    try:
        value = Decimal(str(data.get(key) or 0)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        value = Decimal(-1)
    if not Decimal(0) <= value <= MAX_MONEY:
        errors[key] = [_("Enter an amount of 0 or more.")]
    return value


def _count(data: dict, key: str, errors: dict) -> int:
    try:
        value = int(data.get(key) or 0)
    except (TypeError, ValueError):
        value = -1
    if not 0 <= value <= MAX_COUNT:
        errors[key] = [_("Enter a whole number of 0 or more.")]
    return value


def _month(value) -> datetime.date:
    if not isinstance(value, datetime.date):
        raise ValidationFailed(fields={"month": [_("Choose a month.")]})
    return value.replace(day=1)


def target_set(*, actor, month, data: dict, user: User | None = None, department: Department | None = None) -> Target:
    """Set one month's target of a salesperson or a department the actor is the superior of."""
    access_for(actor).require(f"{TARGET}.edit")
    if (user is None) == (department is None):
        raise ValidationFailed(fields={"user": [_("Choose a salesperson or a department.")]})
    if user is not None:
        subordinate(actor, TARGET, user)
    else:
        department_below(actor, TARGET, department)
    errors: dict = {}
    values = {
        "won_amount": _amount(data, "won_amount", errors),
        "received": _amount(data, "received", errors),
        "new_customers": _count(data, "new_customers", errors),
        "followups": _count(data, "followups", errors),
    }
    if errors:
        raise ValidationFailed(fields=errors)
    lookup = {"month": _month(month), "user": user, "department": department}
    return upsert(actor=actor, model=Target, lookup=lookup, values={**values, "set_by": actor})


def review_save(*, actor, user: User, month, score, comment: str = "") -> Review:
    """The superior's score (0–100) and comment on a salesperson's month."""
    access_for(actor).require(f"{TARGET}.review")
    subordinate(actor, TARGET, user)
    values = {"score": score_of(score), "comment": text(comment, 2000), "reviewer": actor}
    return upsert(actor=actor, model=Review, lookup={"user": user, "month": _month(month)}, values=values)
