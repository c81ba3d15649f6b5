"""The workbench (工作台, WB-1): the panels the apps register (crm.core.extensions) that a user
may see, for the home page and, as plain data, for /api/v1/workbench/.

A panel's context is made for its template (model instances, dates, flags); the API gives each
list of records as items a client can show and open: type, id, label, the customer it is about
and the page it is on."""

import datetime
from decimal import Decimal

from django.db.models import Model
from django.urls import NoReverseMatch, reverse

from crm.access.engine import access_for
from crm.core import extensions

# Records whose own page is "<app label>:detail" with their id; others open their customer's page.
DETAIL_PAGES = {
    "customers.customer", "opportunities.opportunity", "service.service", "churn.churnwarning", "leads.lead",
}


def panels_for(user) -> list[tuple[extensions.WorkbenchPanel, dict]]:
    """(panel, its context) for each panel shown to `user`, in the panels' order."""
    access = access_for(user)
    shown = []
    for panel in extensions.panels():
        if panel.permission is not None and not access.can(panel.permission):
            continue
        context = panel.context(user)
        if context is not None:
            shown.append((panel, context))
    return shown


def _url(record: Model) -> str | None:
    label = record._meta.label_lower
    try:
        if label in DETAIL_PAGES:
            return reverse(f"{record._meta.app_label}:detail", args=[record.pk])
        if getattr(record, "customer_id", None):
            return reverse("customers:detail", args=[record.customer_id])
    except NoReverseMatch:
        return None
    return None


def _item(record: Model) -> dict:
    return {
        "type": record._meta.label_lower,
        "id": record.pk,
        "label": str(record),
        "customer": getattr(record, "customer_id", None),
        "url": _url(record),
    }


def _plain(value):
    """A context value as JSON: records as items, lists item by item, dates as YYYY-MM-DD."""
    if isinstance(value, Model):
        return _item(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def workbench(user) -> list[dict]:
    """Each panel shown to `user`: its key and its context made plain (lists of records as items)."""
    return [
        {"key": panel.key, "data": {name: _plain(value) for name, value in context.items()}}
        for panel, context in panels_for(user)
    ]
