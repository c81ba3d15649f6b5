"""The report pages (s003/5 §3.4): filters, a chart (ECharts, drawn by reports/reports.js from the
JSON the page carries) beside the table, drill-down links to the records behind each bar and row,
the export (with the report's export function) and a print button."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.pagination import CappedPaginator, ListPaginator
from crm.reports import selectors
from crm.reports.forms import ChurnForm, CompositionForm, ContributionForm, ServicesForm
from crm.reports.permissions import CHURN, COMPOSITION, CONTRIBUTION, SERVICES

PAGE_SIZE = 20
SORTABLE = {"name": gettext_lazy("Customer name"), "total": gettext_lazy("Total order amount")}


def link(url_name: str, args=None, /, **params) -> str:
    query = urlencode({key: value for key, value in params.items() if value not in (None, "")})
    url = reverse(url_name, args=args)
    return f"{url}?{query}" if query else url


def report_context(request, *, report: str, form, chart: dict, **extra) -> dict:
    return {
        "form": form,
        "chart": chart,
        "may_export": access_for(request.user).can(f"{report}.export"),
        "filtered": bool(form.is_bound and form.valid_filters()),
        **extra,
    }


@crm_view(f"{CONTRIBUTION}.view")
def contribution(request):
    """客户贡献分析: customers and their total of shipped and paid orders, sortable, paged."""
    form = ContributionForm(request.GET or None)
    filters = form.valid_filters()
    ordering = filters.get("ordering") or selectors.DEFAULT_CONTRIBUTION_ORDERING
    customer, year = filters.get("customer", ""), filters.get("year")
    queryset = selectors.contribution(user=request.user, customer=customer, year=year, ordering=ordering)
    page_obj = ListPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page_obj.object_list)
    drill = "orders:history" if access_for(request.user).can("orders.order.view") else "customers:detail"
    for row in rows:
        row["drill"] = reverse(drill, args=[row["row_id"]])
    chart = {
        "kind": "hbar",
        "series": _("Total order amount"),
        "labels": [row["row_name"] for row in rows],
        "values": [float(row["row_total"]) for row in rows],
        "links": [row["drill"] for row in rows],
    }
    columns = {
        key: {"key": key, "label": label, "up": ordering == key, "down": ordering == f"-{key}"}
        for key, label in SORTABLE.items()
    }
    context = report_context(
        request,
        report=CONTRIBUTION,
        form=form,
        chart=chart,
        page_obj=page_obj,
        rows=rows,
        columns=columns,
        ordering=ordering,
        year=year,
        grand_total=selectors.contribution_total(user=request.user, customer=customer, year=year),
    )
    return render(request, "reports/contribution.html", context)


def _composition_link(by: str, key) -> str:
    """The customer list narrowed to one item: ?level=<id>, or a condition on credit/satisfaction."""
    if by == "level":
        return link("customers:list", level=key)
    return link("customers:list", **{"c-field-0": by, "c-op-0": "eq", "c-value-0": key})


def _groups_chart(groups, *, kind: str, series: str, links: list[str]) -> dict:
    return {
        "kind": kind,
        "series": series,
        "labels": [str(group.label) for group in groups],
        "values": [group.count for group in groups],
        "links": links,
    }


@crm_view(f"{COMPOSITION}.view")
def composition(request):
    """客户构成分析: customers by level, credit or satisfaction, with counts and shares."""
    form = CompositionForm(request.GET or None)
    by = form.valid_filters().get("by") or selectors.DEFAULT_COMPOSITION_BY
    groups = selectors.composition(user=request.user, by=by)
    for group in groups:
        group.drill = _composition_link(by, group.key)
    chart = _groups_chart(groups, kind="pie", series=str(selectors.COMPOSITION_BY[by]), links=[g.drill for g in groups])
    context = report_context(
        request,
        report=COMPOSITION,
        form=form,
        chart=chart,
        groups=groups,
        by=by,
        by_label=selectors.COMPOSITION_BY[by],
        choices=selectors.COMPOSITION_BY.items(),
        total=sum(group.count for group in groups),
    )
    return render(request, "reports/composition.html", context)


@crm_view(f"{SERVICES}.view")
def services(request):
    """客户服务分析: services counted by type, of one year or of all."""
    form = ServicesForm(request.GET or None)
    year = form.valid_filters().get("year")
    groups = selectors.service_composition(user=request.user, year=year)
    dates = {"created_after": f"{year}-01-01", "created_before": f"{year}-12-31"} if year else {}
    for group in groups:
        group.drill = link("service:list", type=group.key, **dates)
    chart = _groups_chart(groups, kind="bar", series=_("Services"), links=[g.drill for g in groups])
    context = report_context(
        request,
        report=SERVICES,
        form=form,
        chart=chart,
        groups=groups,
        year=year,
        total=sum(group.count for group in groups),
    )
    return render(request, "reports/services.html", context)


@crm_view(f"{CHURN}.view")
def churn(request):
    """客户流失分析: the confirmed churn records, by customer name and manager name."""
    form = ChurnForm(request.GET or None)
    filters = form.valid_filters()
    customer, manager = filters.get("customer", ""), filters.get("manager", "")
    queryset = selectors.churn_records(user=request.user, customer=customer, manager=manager)
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.churn_by_manager(user=request.user, customer=customer, manager=manager)
    links = [
        link("churn:list", tab="confirmed", manager=count.manager_id, customer_name=customer) for count in counts
    ]
    chart = {
        "kind": "bar",
        "series": _("Confirmed churns"),
        "labels": [count.name or _("No manager") for count in counts],
        "values": [count.count for count in counts],
        "links": links,
    }
    context = report_context(
        request,
        report=CHURN,
        form=form,
        chart=chart,
        page_obj=page_obj,
        warnings=page_obj.object_list,
        counts=list(zip(counts, links, strict=True)),
    )
    return render(request, "reports/churn.html", context)
