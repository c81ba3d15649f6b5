"""A month's commission lines 提成明细 (SADM-4) as an export: the lines the exporter may see (their
own, their subtree's, everybody's), with how each amount was reached in columns."""

import datetime

from django.utils.translation import gettext_lazy as _

from crm.imports import registry
from crm.imports.exports import Column
from crm.salesadmin.permissions import COMMISSION
from crm.salesadmin.selectors.commissions import line_list, lines_of_every_month, month_find

COLUMNS = (
    Column("period.month", _("Month")),
    Column("user.name", _("Salesperson")),
    Column("user.department.name", _("Department")),
    Column("get_kind_display", _("Kind")),
    Column("rule_name", _("Rule")),
    Column("category", _("Product category")),
    Column("basis_amount", _("Basis (CNY)")),
    Column("target", _("target (CNY)")),
    Column("actual", _("actual (CNY)")),
    Column("attainment", _("attainment (%)")),
    Column("tier_from", _("tier from (%)")),
    Column("rate", _("rate (%)")),
    Column("amount", _("Commission (CNY)")),
    Column("reason", _("Reason")),
    Column("corrects.month", _("Corrects")),
)


def commissions_query(actor, params):
    """`month=YYYY-MM`: that month's lines; without it (or not a month), every month's."""
    try:
        day = datetime.datetime.strptime((params or {}).get("month") or "", "%Y-%m").date()
    except ValueError:
        return lines_of_every_month(user=actor), list(COLUMNS)
    return line_list(user=actor, period=month_find(day)).select_related("period"), list(COLUMNS)


registry.register_export(
    registry.ExportSource(code="commissions", label=_("Commissions"), resource=COMMISSION, query=commissions_query)
)
