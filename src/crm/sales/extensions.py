"""The sales app on the customer's page and timeline."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.customers.timeline import EventType, register_event_type
from crm.sales.services.payments import EVENT_RECEIPT


def _contract_link(event) -> str | None:
    pk = (event.data or {}).get("contract")
    return reverse("customers:contract_detail", args=[pk]) if pk else None


register_event_type(EventType(EVENT_RECEIPT, _("Payment received"), "cash-coin", _contract_link))
