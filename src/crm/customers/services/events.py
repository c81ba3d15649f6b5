"""The customer's timeline: every lifecycle step writes one event row in the caller's transaction."""

from crm.audit.services import jsonable
from crm.core.bulk import insert_select, insert_values
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
    shared = _shared(kind, actor, summary, data)
    return insert_values(CustomerEvent, ("customer_id", *shared), ((pk, *shared.values()) for pk in customer_ids))


def events_record_select(
    *, select: str, params=(), kind: str, actor=None, summary: str = "", data: dict | None = None
) -> int:
    """One event for each customer id `select` (SQL, with `params`) yields, written by the
    database itself (INSERT … SELECT): no id passes through Python."""
    return insert_select(CustomerEvent, ("customer_id",), select, params, values=_shared(kind, actor, summary, data))


def _shared(kind: str, actor, summary: str, data: dict | None) -> dict:
    return {
        "kind": kind,
        "actor_id": actor.pk if getattr(actor, "pk", None) else None,
        "summary": summary[:300],
        "data": jsonable(data or {}),
    }
