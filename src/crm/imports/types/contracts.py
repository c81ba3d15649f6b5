"""Contracts (CUS-16) as an export: the contract list as filtered on screen."""

from django.utils.translation import gettext_lazy as _

from crm.customers.forms_admin import ContractFilterForm
from crm.customers.permissions import CONTRACT
from crm.customers.selectors.related import contract_list
from crm.imports import registry
from crm.imports.exports import Column

COLUMNS = (
    Column("number", _("Number")),
    Column("title", _("Title")),
    Column("customer.number", _("Customer number")),
    Column("customer.name", _("Customer")),
    Column("amount", _("Amount (CNY)")),
    Column("signed_on", _("Signed on")),
    Column("start_on", _("Starts on")),
    Column("end_on", _("Ends on")),
    Column("get_status_display", _("Status")),
    Column("owner", _("Owner")),
    Column("notes", _("Notes")),
)


def export_query(actor, params):
    filters = ContractFilterForm(params or None).valid_filters()
    return contract_list(user=actor, filters=filters), list(COLUMNS)


registry.register_export(
    registry.ExportSource(code="contracts", label=_("Contracts"), resource=CONTRACT, query=export_query)
)
