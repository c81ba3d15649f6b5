"""The customer's timeline is open: any app writes to it and the 360 page shows what it wrote,
without this app knowing that app (an opportunity won, a service archived, an order received).

    from crm.customers.services.events import event_record
    from crm.customers.timeline import EventType, register_event_type

    register_event_type(EventType(
        kind="opportunity.won", label=_("Opportunity won"), icon="trophy",
        link=lambda event: reverse("opportunities:detail", args=[event.data["opportunity"]]),
    ))
    event_record(customer=customer, kind="opportunity.won", actor=actor, summary=opportunity.title,
                 data={"opportunity": opportunity.pk})

A kind is at most 20 characters, by convention `<app>.<what>`; the customers app's own kinds are
`EventKind`. An unregistered kind still shows, under its code.
"""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    kind: str
    label: str
    icon: str = "dot"
    link: Callable | None = None  # (event) -> the URL of the record it is about, or None


_types: dict[str, EventType] = {}


def register_event_type(event_type: EventType) -> None:
    if len(event_type.kind) > 20:
        raise ValueError(f"event kind {event_type.kind!r} is longer than 20 characters")
    _types[event_type.kind] = event_type


def event_type(kind: str) -> EventType:
    return _types.get(kind) or EventType(kind=kind, label=kind)
