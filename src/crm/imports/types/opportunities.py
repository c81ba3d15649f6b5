"""Opportunities (OPP-1…OPP-8) as an export: the list as filtered on screen (status tab and search)."""

from django.utils.translation import gettext_lazy as _

from crm.imports import registry
from crm.imports.exports import Column
from crm.opportunities.forms import OpportunityFilterForm
from crm.opportunities.permissions import OPPORTUNITY
from crm.opportunities.selectors import VIEWS, opportunity_list

COLUMNS = (
    Column("number", _("Number")),
    Column("source", _("Opportunity source")),
    Column("customer_name", _("Customer name")),
    Column("probability", _("Success probability")),
    Column("summary", _("Summary")),
    Column("contact_name", _("Contact")),
    Column("contact_phone", _("Contact phone")),
    Column("description", _("Opportunity description")),
    Column("get_status_display", _("Status")),
    Column("customer.number", _("Customer number")),
    Column("owner", _("Account manager")),
    Column("assigned_at", _("Assigned at")),
    Column("created_by", _("Created by")),
    Column("created_at", _("Created at")),
    Column("closed_at", _("Closed at")),
    Column("close_reason", _("Reason")),
)


def export_query(actor, params):
    filters = OpportunityFilterForm(params or None).valid_filters()
    view = (params or {}).get("view")
    filters["view"] = view if view in VIEWS else "all"
    return opportunity_list(user=actor, filters=filters), list(COLUMNS)


registry.register_export(
    registry.ExportSource(code="opportunities", label=_("Opportunities"), resource=OPPORTUNITY, query=export_query)
)
