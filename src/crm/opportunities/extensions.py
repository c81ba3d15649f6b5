"""Where opportunities plug into the rest of the CRM: the customer 360 page (a section, the
timeline, a header action), the global search, the workbench, and customer handovers."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.core.extensions import SearchHit, SearchProvider, WorkbenchPanel, register_panel, register_search
from crm.customers.extensions import by_old_manager, register_handover_hook
from crm.customers.sections import RowAction, Section, register_row_action, register_section
from crm.customers.timeline import EventType, register_event_type
from crm.opportunities import selectors
from crm.opportunities.models import Opportunity, OpportunityStatus
from crm.opportunities.permissions import OPPORTUNITY

PANEL_SIZE = 8


def _link(event) -> str | None:
    pk = (event.data or {}).get("opportunity")
    return reverse("opportunities:detail", args=[pk]) if pk else None


register_event_type(EventType("opportunity.open", _("Opportunity opened"), "lightbulb", _link))
register_event_type(EventType("opportunity.won", _("Opportunity won"), "trophy", _link))
register_event_type(EventType("opportunity.lost", _("Opportunity lost"), "x-octagon", _link))


def _section(user, customer) -> dict:
    return {"opportunities": list(selectors.opportunity_list(user=user, customer=customer)[:50])}


register_section(
    Section("opportunities", _("Opportunities"), "opportunities/partials/customer_section.html", _section,
            f"{OPPORTUNITY}.view", 15)
)
register_row_action(
    RowAction(
        key="opportunity",
        label=_("New opportunity"),
        url_name="opportunities:create",
        permission=f"{OPPORTUNITY}.create",
        icon="lightbulb",
        order=40,
    )
)


def _search(user, query: str, limit: int) -> list[SearchHit]:
    found = selectors.opportunity_list(user=user, filters={"q": query})[:limit]
    return [
        SearchHit(
            label=f"{opportunity.customer_name} · {opportunity.summary}",
            url=reverse("opportunities:detail", args=[opportunity.pk]),
            kind=str(_("Opportunity")),
            detail=f"{opportunity.number} · {opportunity.get_status_display()}",
        )
        for opportunity in found
    ]


register_search(SearchProvider(key="opportunities", search=_search, permission=f"{OPPORTUNITY}.view", order=20))


def _panel(user) -> dict:
    """My opportunities in development, with the next step of each plan."""
    mine = selectors.opportunity_list(user=user, filters={"view": "developing", "mine": True})
    return {"opportunities": list(selectors.with_next_step(mine[:PANEL_SIZE]))}


def _new_panel(user) -> dict | None:
    """Newly added opportunities waiting for an account manager, newest first (WB-1), for those
    who assign them; none shown when there are none."""
    waiting = list(selectors.opportunity_list(user=user, filters={"view": "unassigned"})[:PANEL_SIZE])
    return {"opportunities": waiting} if waiting else None


register_panel(
    WorkbenchPanel(
        key="opportunities.new",
        template="opportunities/partials/panel_new.html",
        context=_new_panel,
        permission=f"{OPPORTUNITY}.assign",
        order=28,
    )
)
register_panel(
    WorkbenchPanel(
        key="opportunities.developing",
        template="opportunities/partials/panel.html",
        context=_panel,
        permission=f"{OPPORTUNITY}.develop",
        order=30,
    )
)


def _handover(*, actor, customer_ids, old_managers: dict, new_manager) -> dict:
    """A customer's open opportunities held by its old manager go with it to the new one."""
    moved = 0
    for old_manager, ids in by_old_manager(old_managers).items():
        moved += Opportunity.objects.filter(
            customer_id__in=ids, owner_id=old_manager, status=OpportunityStatus.DEVELOPING
        ).update(owner=new_manager)
    return {str(_("Opportunities")): moved} if moved else {}


register_handover_hook("opportunities", _handover)
