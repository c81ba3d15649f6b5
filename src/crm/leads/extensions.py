"""Where leads plug in: the customer timeline (a lead converted), the global search, the workbench."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.core.extensions import SearchHit, SearchProvider, WorkbenchPanel, register_panel, register_search
from crm.customers.timeline import EventType, register_event_type
from crm.leads import selectors
from crm.leads.permissions import LEAD

PANEL_SIZE = 8


def _link(event) -> str | None:
    pk = (event.data or {}).get("lead")
    return reverse("leads:detail", args=[pk]) if pk else None


register_event_type(EventType("lead.converted", _("Lead converted"), "funnel", _link))


def _search(user, query: str, limit: int) -> list[SearchHit]:
    found = selectors.lead_list(user=user, filters={"view": "all", "q": query})[:limit]
    return [
        SearchHit(
            label=f"{lead.company} · {lead.name}",
            url=reverse("leads:detail", args=[lead.pk]),
            kind=str(_("Lead")),
            detail=f"{lead.number} · {lead.get_status_display()}",
        )
        for lead in found
    ]


register_search(SearchProvider(key="leads", search=_search, permission=f"{LEAD}.view", order=15))


def _panel(user) -> dict:
    """My new leads, oldest first: the ones to call before they are escalated."""
    mine = selectors.lead_list(user=user, filters={"view": "new", "mine": True}).order_by("owned_since", "id")
    return {"leads": list(mine[:PANEL_SIZE])}


register_panel(
    WorkbenchPanel(
        key="leads.new", template="leads/partials/panel.html", context=_panel, permission=f"{LEAD}.edit", order=25
    )
)
