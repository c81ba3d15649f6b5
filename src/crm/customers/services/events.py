"""The customer's timeline: every lifecycle step writes one event row in the caller's transaction."""

from crm.audit.services import jsonable
from crm.core.bulk import insert_rows, new_row
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
    actor = actor if getattr(actor, "pk", None) else None
    payload = jsonable(data or {})
    rows = [
        new_row(CustomerEvent, customer_id=pk, kind=kind, actor=actor, summary=summary[:300], data=payload)
        for pk in customer_ids
    ]
    insert_rows(CustomerEvent, rows)
    return len(rows)
