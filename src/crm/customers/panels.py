"""What the customers app adds to the workbench (WB-1) and the global search box."""

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.core.extensions import SearchHit, SearchProvider, WorkbenchPanel, register_panel, register_search
from crm.customers.models import Contact, Customer
from crm.customers.permissions import CONTACT, CUSTOMER
from crm.customers.selectors.customers import customer_search, due_for_followup, recently_followed

PANEL_SIZE = 8


def _search(user, query: str, limit: int) -> list[SearchHit]:
    hits = []
    for customer in customer_search(user=user, query=query, limit=limit):
        owner = str(customer.manager) if customer.manager_id else str(_("Public pool"))
        hits.append(
            SearchHit(
                label=customer.name,
                url=reverse("customers:detail", args=[customer.pk]),
                kind=str(_("Customer")),
                detail=f"{customer.number} · {owner}",
            )
        )
    return hits


def _followups(user) -> dict:
    today = timezone.localdate()
    return {"customers": list(due_for_followup(user=user, days=7, limit=PANEL_SIZE)), "today": today}


def _recent(user) -> dict:
    return {"customers": list(recently_followed(user=user, limit=PANEL_SIZE))}


def _birthdays(user) -> dict | None:
    """Contacts of the user's customers with a birthday in the coming week; no panel for a user
    whose field rules hide or mask birthdays (listing them by date would tell them)."""
    access = access_for(user)
    if "birthday" in access.concealed_fields(CONTACT):
        return None
    today = timezone.localdate()
    days = [today + datetime.timedelta(days=offset) for offset in range(8)]
    condition = Q()
    for day in days:
        condition |= Q(birthday__month=day.month, birthday__day=day.day)
    contacts = list(
        Contact.objects.filter(customer__manager=user, birthday__isnull=False)
        .filter(condition)
        .select_related("customer")[:50]
    )
    order = {(d.month, d.day): i for i, d in enumerate(days)}
    contacts.sort(key=lambda c: order.get((c.birthday.month, c.birthday.day), 99))
    return {"contacts": contacts[:PANEL_SIZE], "today": today}


def _returning(user) -> dict | None:
    """My customers the pool rules warned about: they return to the pool unless followed up or
    sold to (crm.customers.services.pool); none shown when there are none."""
    warned = access_for(user).scoped(
        CUSTOMER, Customer.objects.filter(manager=user, pool_warned_at__isnull=False)
    ).order_by("pool_warned_at", "id")
    customers = list(warned.only("id", "name", "pool_warned_at", "last_followup_at")[:PANEL_SIZE])
    return {"customers": customers} if customers else None


register_search(SearchProvider(key="customers", search=_search, permission=f"{CUSTOMER}.view", order=10))
register_panel(
    WorkbenchPanel(
        key="customers.due",
        template="customers/panels/due.html",
        context=_followups,
        permission=f"{CUSTOMER}.view",
        order=10,
    )
)
register_panel(
    WorkbenchPanel(
        key="customers.recent",
        template="customers/panels/recent.html",
        context=_recent,
        permission=f"{CUSTOMER}.view",
        order=20,
    )
)
register_panel(
    WorkbenchPanel(
        key="customers.birthdays",
        template="customers/panels/birthdays.html",
        context=_birthdays,
        permission="customers.contact.view",
        order=30,
    )
)
register_panel(
    WorkbenchPanel(
        key="customers.returning",
        template="customers/panels/returning.html",
        context=_returning,
        permission=f"{CUSTOMER}.view",
        order=15,
    )
)
