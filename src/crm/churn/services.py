"""Every write of churn warnings (s003/5 §3.2.2.2 暂缓流失, §3.2.2.3 确认流失; CHURN-2, CHURN-3), and
what closes a warning: the customer ordering again, or a merge. The permission engine is asked,
then WARNING_STATES; each step is one conditional UPDATE on the state the step needs, so of two
people acting at once the second is told the warning moved on (409). The customer's status
follows along crm.customers' STATUS_FLOW; every step is audited and on the customer's timeline.
The scan that creates warnings is crm.churn.scan."""

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import audit_create, audit_records_bulk, audit_update
from crm.churn.models import ACTIVE_STATES, WARNING_STATES, ChurnWarning, CustomerValue, SuspensionMeasure, WarningState
from crm.churn.permissions import WARNING
from crm.core.bulk import insert_values
from crm.core.errors import Conflict, ValidationFailed
from crm.customers.models import CustomerEvent, CustomerStatus
from crm.customers.services.customers import customers_status_move
from crm.customers.services.events import event_record
from crm.orders.models import EFFECTIVE, Order

TEXT_LIMIT = 2000
EVENT_MEASURE, EVENT_CONFIRM, EVENT_CLOSE = "churn.measure", "churn.confirm", "churn.close"


def _text(value, name: str, message: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationFailed(fields={name: [message]})
    if len(text) > TEXT_LIMIT:
        raise ValidationFailed(fields={name: [_("At most %(limit)d characters.") % {"limit": TEXT_LIMIT}]})
    return text


def _moved_on(warning: ChurnWarning, action: str) -> Conflict:
    """The conflict for a conditional UPDATE that found the warning in another state: the table's
    own message when the step is no longer possible, else "someone else changed it"."""
    current = ChurnWarning.objects.filter(pk=warning.pk).values_list("state", flat=True).first()
    if current is not None and current != warning.state:
        WARNING_STATES.target(current, action)
    return Conflict(_("Someone else changed this churn warning meanwhile; reload it and try again."), code="stale")


# --- 暂缓流失: suspension measures (CHURN-2) ---------------------------------------------------------------
@transaction.atomic
def measure_add(*, actor, warning: ChurnWarning, text: str) -> SuspensionMeasure:
    """Append a measure taken against the churn (every one is kept, with its time and author). The
    first moves the warning open → suspended and its customer churn_warning → churn_suspended."""
    access_for(actor).check(WARNING, "suspend", warning)
    WARNING_STATES.target(warning.state, "suspend")
    text = _text(text, "text", _("Describe the measure taken."))
    now = timezone.now()
    before = warning.state
    # One conditional UPDATE each: the first measure suspends an open warning; a later one finds it
    # suspended (and holds the row, so a confirmation waits until this measure is in).
    first = ChurnWarning.objects.filter(pk=warning.pk, state=WarningState.OPEN).update(
        state=WarningState.SUSPENDED, suspended_at=now
    )
    if not first and not ChurnWarning.objects.filter(pk=warning.pk, state=WarningState.SUSPENDED).update(
        state=WarningState.SUSPENDED
    ):
        raise _moved_on(warning, "suspend")
    if first:
        warning.state, warning.suspended_at = WarningState.SUSPENDED, now
        audit_update(actor=actor, instance=warning, changes={"state": [before, warning.state]})
        customers_status_move(actor=actor, customer_ids=[warning.customer_id], action="suspend", reason=text[:300])
    else:
        warning.state = WarningState.SUSPENDED
    measure = SuspensionMeasure.objects.create(warning=warning, text=text, created_by=actor)
    audit_create(actor=actor, instance=measure, fields=["warning", "text"])
    event_record(
        customer=warning.customer, kind=EVENT_MEASURE, actor=actor, summary=text, data={"warning": warning.pk}
    )
    return measure


# --- 确认流失: confirm the churn (CHURN-3) -----------------------------------------------------------------
@transaction.atomic
def warning_confirm(*, actor, warning: ChurnWarning, reason: str) -> ChurnWarning:
    """The churn is beyond reversal: with the reason (required) the warning is confirmed and the
    customer is lost. Only after at least one measure (the warning suspended): s003/5 §3.2.2.1
    "在确认流失前一定要采取措施暂缓流失"."""
    access_for(actor).check(WARNING, "confirm", warning)
    reason = _text(reason, "reason", _("Enter the reason for the churn."))
    WARNING_STATES.target(warning.state, "confirm")
    now = timezone.now()
    confirmed = ChurnWarning.objects.filter(pk=warning.pk, state=WarningState.SUSPENDED).update(
        state=WarningState.CONFIRMED, reason=reason, confirmed_at=now, confirmed_by=actor
    )
    if not confirmed:
        raise _moved_on(warning, "confirm")
    before = warning.state
    warning.state, warning.reason, warning.confirmed_at, warning.confirmed_by = (
        WarningState.CONFIRMED, reason, now, actor
    )
    moved = customers_status_move(
        actor=actor, customer_ids=[warning.customer_id], action="confirm_lost", reason=reason[:300]
    )
    if not moved:
        raise Conflict(
            _("The customer's status is no longer “%(status)s”; reload the page and try again.")
            % {"status": CustomerStatus.CHURN_SUSPENDED.label},
            code="customer_status",
        )
    audit_update(
        actor=actor, instance=warning, changes={"state": [before, warning.state], "reason": ["", reason]}
    )
    event_record(
        customer=warning.customer, kind=EVENT_CONFIRM, actor=actor, summary=reason, data={"warning": warning.pk}
    )
    return warning


# --- ordered again: the warning closes (crm.orders' ordered hook) -------------------------------------------
def _close(warnings: list[tuple[int, int, str]], *, message: str) -> int:
    """Close active warnings given as (id, customer id, state read under lock); audited and on the timeline."""
    if not warnings:
        return 0
    now = timezone.now()
    closed = ChurnWarning.objects.filter(pk__in=[pk for pk, _c, _s in warnings], state__in=ACTIVE_STATES).update(
        state=WarningState.CLOSED, closed_at=now
    )
    audit_records_bulk(
        actor=None,
        action=AuditAction.UPDATE,
        model=ChurnWarning,
        rows=[(pk, f"{customer_id} {WarningState.CLOSED}", {"state": [state, "closed"]}) for pk, customer_id, state in
              warnings],
        message=message,
    )
    insert_values(
        CustomerEvent,
        ("customer_id", "kind", "summary", "data"),
        ((customer_id, EVENT_CLOSE, message[:300], {"warning": pk}) for pk, customer_id, _state in warnings),
    )
    return closed


def customers_ordered(customer_ids) -> dict:
    """New shipped or paid orders came in for these customers (called by crm.orders inside the
    writing transaction, no actor: the system). A customer whose newest effective order is after
    the last order its active warning was about is back: the warning closes and the customer
    returns to normal. A customer whose churn was confirmed (lost) and who orders again after it
    returns to normal too; the confirmed warning stays as history."""
    ids = sorted({int(pk) for pk in customer_ids if pk is not None})
    if not ids:
        return {"closed": 0, "recovered": 0}
    newest = dict(
        Order.objects.filter(EFFECTIVE, customer_id__in=ids)
        .values("customer_id")
        .annotate(last=Max("ordered_on"))
        .values_list("customer_id", "last")
    )
    active = list(
        ChurnWarning.objects.select_for_update()
        .filter(customer_id__in=list(newest), state__in=ACTIVE_STATES)
        .values_list("pk", "customer_id", "state", "last_order_on")
    )
    back = [(pk, customer_id, state) for pk, customer_id, state, last in active if newest[customer_id] > last]
    closed = _close(back, message=_("Ordered again"))
    confirmed = dict(
        ChurnWarning.objects.filter(
            customer_id__in=list(newest), state=WarningState.CONFIRMED, customer__status=CustomerStatus.LOST
        )
        .values("customer_id")
        .annotate(last=Max("last_order_on"))
        .values_list("customer_id", "last")
    )
    returning = {customer_id for _pk, customer_id, _state in back}
    returning |= {customer_id for customer_id, last in confirmed.items() if newest[customer_id] > last}
    recovered = customers_status_move(
        actor=None, customer_ids=returning, action="recover", reason=_("Ordered again")
    )
    return {"closed": closed, "recovered": recovered}


# --- merge: at most one active warning on the merged customer -------------------------------------------------
def customers_merging(*, actor, target, others) -> None:
    """Before a merge moves the merged customers' rows onto the target: their active warnings
    close (the target keeps its own, if any: one active warning per customer), and their customer
    values go (the `churn.value` job computes the merged customer's again)."""
    other_ids = [other.pk for other in others]
    active = list(
        ChurnWarning.objects.select_for_update()
        .filter(customer_id__in=other_ids, state__in=ACTIVE_STATES)
        .values_list("pk", "customer_id", "state")
    )
    _close(active, message=_("Merged into another customer"))
    CustomerValue.objects.filter(customer_id__in=other_ids).delete()
