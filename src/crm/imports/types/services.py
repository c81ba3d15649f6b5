"""Customer services (SRV-5) as an export: the service archive as searched on screen."""

from django.utils.translation import gettext_lazy as _

from crm.imports import registry
from crm.imports.exports import Column
from crm.service.forms import ArchiveFilterForm
from crm.service.permissions import SERVICE
from crm.service.selectors import service_list

COLUMNS = (
    Column("number", _("Number")),
    Column("type.entry", _("Service type")),
    Column("summary", _("Summary")),
    Column("customer.name", _("Customer")),
    Column("request", _("Service request")),
    Column("get_status_display", _("Status")),
    Column("created_by", _("Created by")),
    Column("created_at", _("Created at")),
    Column("assignee", _("Assigned to")),
    Column("handling", _("Handling")),
    Column("handled_at", _("Handled at")),
    Column("result", _("Handling result")),
    Column("satisfaction", _("Customer satisfaction")),
    Column("archived_at", _("Archived at")),
)


def export_query(actor, params):
    filters = {"view": "archived", **ArchiveFilterForm(params or None).valid_filters()}
    return service_list(user=actor, filters=filters), list(COLUMNS)


registry.register_export(
    registry.ExportSource(code="services", label=_("Service archive"), resource=SERVICE, query=export_query)
)
