"""Where services plug into the rest of the CRM: the customer 360 page (a section, the timeline, a
header action), the global search and the workbench (services assigned to me, WB-1). A customer
merge moves its services with every other row that points at the customer (crm.customers.services.merge);
a handover gives the new manager the services waiting on the old one."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.core.extensions import SearchHit, SearchProvider, WorkbenchPanel, register_panel, register_search
from crm.customers.extensions import by_old_manager, register_handover_hook
from crm.customers.sections import RowAction, Section, register_row_action, register_section
from crm.customers.timeline import EventType, register_event_type
from crm.service import selectors
from crm.service.deadlines import attach_time_left
from crm.service.models import Service, ServiceStatus
from crm.service.permissions import SERVICE

PANEL_SIZE = 8
SECTION_SIZE = 50


def _link(event) -> str | None:
    pk = (event.data or {}).get("service")
    return reverse("service:detail", args=[pk]) if pk else None


register_event_type(EventType("service.create", _("Service created"), "headset", _link))
register_event_type(EventType("service.assign", _("Service assigned"), "person-check", _link))
register_event_type(EventType("service.handle", _("Service handled"), "tools", _link))
register_event_type(EventType("service.reopen", _("Service sent back by the customer"), "arrow-repeat", _link))
register_event_type(EventType("service.archive", _("Service archived"), "archive", _link))
register_event_type(EventType("service.escalate", _("Overdue service escalated"), "exclamation-triangle", _link))


def _section(user, customer) -> dict:
    return {"services": list(selectors.service_list(user=user, customer=customer)[:SECTION_SIZE])}


register_section(
    Section("services", _("Services"), "service/partials/customer_section.html", _section, f"{SERVICE}.view", 25)
)
register_row_action(
    RowAction(
        key="service",
        label=_("New service"),
        url_name="service:create",
        permission=f"{SERVICE}.create",
        icon="headset",
        order=50,
    )
)


def _search(user, query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(
            label=f"{service.customer.name} · {service.summary}",
            url=reverse("service:detail", args=[service.pk]),
            kind=str(_("Service")),
            detail=f"{service.number} · {service.get_status_display()}",
        )
        for service in selectors.service_list(user=user, filters={"q": query})[:limit]
    ]


register_search(SearchProvider(key="services", search=_search, permission=f"{SERVICE}.view", order=30))


def _panel(user) -> dict:
    """Services assigned to me, the nearest deadline first, with the time left (SRV-6, WB-1)."""
    mine = selectors.service_list(user=user, filters={"view": "assigned", "mine": True, "order": "due"})
    return {"services": attach_time_left(mine[:PANEL_SIZE])}


def _serviced(user) -> dict | None:
    """My customers' services handled lately, the latest first (WB-1: recently serviced customers)."""
    handled = selectors.service_list(user=user, filters={}).filter(customer__manager=user, handled_at__isnull=False)
    services = list(handled.order_by("-handled_at", "-id")[:PANEL_SIZE])
    return {"services": services} if services else None


register_panel(
    WorkbenchPanel(
        key="service.serviced",
        template="service/partials/panel_serviced.html",
        context=_serviced,
        permission=f"{SERVICE}.view",
        order=37,
    )
)
register_panel(
    WorkbenchPanel(
        key="service.assigned",
        template="service/partials/panel.html",
        context=_panel,
        permission=f"{SERVICE}.handle",
        order=35,
    )
)


def _handover(*, actor, customer_ids, old_managers: dict, new_manager) -> dict:
    """A handed-over customer's services still waiting on its old manager (assigned to them) go
    to the new one; handled and archived ones keep who handled them."""
    moved = 0
    for old_manager, ids in by_old_manager(old_managers).items():
        moved += Service.objects.filter(
            customer_id__in=ids, assignee_id=old_manager, status=ServiceStatus.ASSIGNED
        ).update(assignee=new_manager)
    return {str(_("Services")): moved} if moved else {}


register_handover_hook("service", _handover)
