"""The customer's timeline: every lifecycle step writes one event row in the caller's transaction."""

from crm.audit.services import jsonable
from crm.core.bulk import insert_values
from crm.customers.models import CustomerEvent


def event_record(*, customer, kind: str, actor=None, summary: str = "", data: dict | None = None) -> CustomerEvent:
    return CustomerEvent.objects.create(
        customer=customer,
        kind=kind,
        actor=actor if getattr(actor, "pk", None) else None,
        summary=(summary or "")[:300],
        data=jsonable(data or {}),
    )


def events_record_bulk(*, customer_ids, kind: str, actor=None, summary: str = "", data: dict | None = None) -> int:
    """One event for each of many customers (handover, pool return), in batches."""
    shared = (kind, actor.pk if getattr(actor, "pk", None) else None, summary[:300], jsonable(data or {}))
    return insert_values(
        CustomerEvent, ("customer_id", "kind", "actor_id", "summary", "data"), ((pk, *shared) for pk in customer_ids)
    )
