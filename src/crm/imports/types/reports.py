"""The reports' exports (s003/5 §3.4): each report as Excel or CSV with the page's filters, under
its own export function (`reports.<report>.export`) and the viewer's data scope."""

from django.db.models import FloatField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.imports import registry
from crm.imports.exports import Column
from crm.reports import funnel, products, selectors, work
from crm.reports.forms import (
    ChurnForm,
    CompositionForm,
    ContributionForm,
    FunnelForm,
    ProductsForm,
    ServicesForm,
    WorkForm,
)
from crm.reports.permissions import CHURN, COMPOSITION, CONTRIBUTION, FUNNEL, PRODUCTS, SERVICES, WORK

SHARE = Column("share", pgettext_lazy("part of a whole", "Share"))


def contribution_query(actor, params):
    filters = ContributionForm(params or None).valid_filters()
    queryset = selectors.contribution_table(
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


def work_query(actor, params):
    form = WorkForm(params or None)
    group, team = form.grouping()
    # Money as a number in Excel, to sum and sort (as the contribution's total).
    money = {f"{m.key}_number": Cast(m.key, FloatField()) for m in work.MEASURES if m.money}
    queryset = work.work_table(user=actor, period=form.period(), group=group, team=team).annotate(**money)
    first = [Column("name", _("Salesperson")), Column("department.name", _("Team"))] if group == "person" else [
        Column("name", _("Team"))
    ]
    measures = [Column(f"{m.key}_number" if m.money else m.key, m.label) for m in work.MEASURES]
    return queryset, [*first, *measures]


def products_query(actor, params):
    chosen = ProductsForm(params or None).filters()
    rows = products.by_period_and_product(user=actor, filters=chosen).annotate(
        quantity_number=Cast("quantity", FloatField()), amount_number=Cast("amount", FloatField())
    )
    return rows, [
        Column("bucket", _("Period")),
        Column("product__name", _("Product")),
        Column("product__model_number", _("Model")),
        Column("product__category", _("Category")),
        Column("quantity_number", _("Quantity")),
        Column("amount_number", _("Amount")),
        Column("orders", _("Orders")),
    ]


def funnel_query(actor, params):
    """The opportunities behind the funnel: those created in the period, in the pipeline."""
    form = FunnelForm(params or None)
    pipeline = funnel.pipeline_chosen(form.valid_filters().get("pipeline"))
    queryset = (
        funnel.opportunities(user=actor, pipeline=pipeline)
        .filter(**form.period().lookup("created_at"))
        .select_related("stage", "owner", "lost_reason", "lost_to")
        .order_by("stage__sort_order", "-id")
    )
    return queryset, [
        Column("number", _("Number")),
        Column("customer_name", _("Customer name")),
        Column("summary", _("Summary")),
        Column("stage.name", _("Stage")),
        Column("get_status_display", _("Status")),
        Column("owner", _("Account manager")),
        Column("expected_amount", _("Expected amount")),
        Column("probability", _("Success probability")),
        Column("expected_close", _("Expected close date")),
        Column("created_at", _("Created at")),
        Column("closed_at", _("Closed at")),
        Column("lost_reason.entry", _("Lost reason")),
        Column("lost_to.name", _("Lost to")),
    ]


for code, label, resource, query in (
    ("reports-contribution", _("Customer contribution"), CONTRIBUTION, contribution_query),
    ("reports-composition", _("Customer composition"), COMPOSITION, composition_query),
    ("reports-services", _("Service composition"), SERVICES, services_query),
    ("reports-churn", _("Churn analysis"), CHURN, churn_query),
    ("reports-work", _("Salesperson work"), WORK, work_query),
    ("reports-products", _("Sales by product"), PRODUCTS, products_query),
    ("reports-funnel", _("Sales funnel"), FUNNEL, funnel_query),
):
    registry.register_export(registry.ExportSource(code=code, label=label, resource=resource, query=query))
