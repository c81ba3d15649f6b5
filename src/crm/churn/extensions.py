"""Where churn plugs into the rest of the CRM: orders coming in (a warning closes when its customer
orders again), customer merges (one active warning at most on the merged customer), the customer
360 page (a section and timeline entries) and the workbench (my churn warnings, with the model's
probability that the customer is still active)."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.churn import selectors, services
from crm.churn.models import CustomerValue
from crm.churn.permissions import WARNING
from crm.churn.scan import EVENT_WARN
from crm.core.extensions import WorkbenchPanel, register_panel
from crm.customers.extensions import register_merge_hook
from crm.customers.sections import Section, register_section
from crm.customers.timeline import EventType, register_event_type
from crm.orders.extensions import register_ordered_hook

PANEL_SIZE = 8
SECTION_SIZE = 50


def _link(event) -> str | None:
    pk = (event.data or {}).get("warning")
    return reverse("churn:detail", args=[pk]) if pk else None


register_event_type(EventType(EVENT_WARN, _("Churn warning"), "exclamation-triangle", _link))
register_event_type(EventType(services.EVENT_MEASURE, _("Suspension measure"), "shield-plus", _link))
register_event_type(EventType(services.EVENT_CONFIRM, _("Churn confirmed"), "x-octagon", _link))
register_event_type(EventType(services.EVENT_CLOSE, _("Churn warning closed"), "check2-circle", _link))

register_ordered_hook("churn", services.customers_ordered)
register_merge_hook("churn", services.customers_merging)


def _section(user, customer) -> dict:
    """The customer's warnings, and the model's figures for it (SEG-4) above them."""
    return {
        "warnings": selectors.attach_figures(selectors.warning_list(user=user, customer=customer)[:SECTION_SIZE]),
        "value": CustomerValue.objects.filter(customer=customer).first(),
        "horizon_days": settings.CHURN_VALUE_HORIZON_DAYS,
    }


register_section(
    Section("churn", _("Churn warnings"), "churn/partials/customer_section.html", _section, f"{WARNING}.view", 45)
)


def _panel(user) -> dict:
    """The active warnings of the customers I manage, the least likely to be still active first."""
    mine = selectors.warning_list(user=user, filters={"tab": "active", "mine": True, "ordering": "p_alive"})
    return {"warnings": selectors.attach_figures(mine[:PANEL_SIZE]), "user_id": user.pk}


register_panel(
    WorkbenchPanel(
        key="churn.mine", template="churn/partials/panel.html", context=_panel, permission=f"{WARNING}.view", order=40
    )
)
