"""The reports' exports (s003/5 §3.4): each report as Excel or CSV with the page's filters, under
its own export function (`reports.<report>.export`) and the viewer's data scope."""

from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.imports import registry
from crm.imports.exports import Column
from crm.reports import selectors
from crm.reports.forms import ChurnForm, CompositionForm, ContributionForm, ServicesForm
from crm.reports.permissions import CHURN, COMPOSITION, CONTRIBUTION, SERVICES

SHARE = Column("share", pgettext_lazy("part of a whole", "Share"))


def contribution_query(actor, params):
    filters = ContributionForm(params or None).valid_filters()
    queryset = selectors.contribution(
        user=actor, customer=filters.get("customer", ""), year=filters.get("year"), ordering=filters.get("ordering", "")
    ).annotate(amount=Cast("total", FloatField()))  # a number in Excel, to sum and sort
    return queryset, [
        Column("number", _("Customer number")),
        Column("name", _("Customer name")),
        Column("amount", _("Total order amount")),
    ]


def composition_query(actor, params):
    by = CompositionForm(params or None).valid_filters().get("by") or selectors.DEFAULT_COMPOSITION_BY
    columns = [Column("label", selectors.COMPOSITION_BY[by]), Column("count", _("Customers")), SHARE]
    return selectors.composition_table(user=actor, by=by), columns


def services_query(actor, params):
    year = ServicesForm(params or None).valid_filters().get("year")
    columns = [Column("label", _("Service type")), Column("count", _("Services")), SHARE]
    return selectors.services_table(user=actor, year=year), columns


def churn_query(actor, params):
    filters = ChurnForm(params or None).valid_filters()
    queryset = selectors.churn_records(
        user=actor, customer=filters.get("customer", ""), manager=filters.get("manager", "")
    )
    return queryset, [
        Column("customer.number", _("Customer number")),
        Column("customer.name", _("Customer name")),
        Column("customer.manager", _("Account manager")),
        Column("last_order_on", _("Last order")),
        Column("created_at", _("Warned at")),
        Column("confirmed_at", _("Confirmed at")),
        Column("confirmed_by", _("Confirmed by")),
        Column("reason", _("Reason for the churn")),
    ]


for code, label, resource, query in (
    ("reports-contribution", _("Customer contribution"), CONTRIBUTION, contribution_query),
    ("reports-composition", _("Customer composition"), COMPOSITION, composition_query),
    ("reports-services", _("Service composition"), SERVICES, services_query),
    ("reports-churn", _("Churn analysis"), CHURN, churn_query),
):
    registry.register_export(registry.ExportSource(code=code, label=label, resource=resource, query=query))
