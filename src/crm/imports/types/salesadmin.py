"""Sales administration's lists as exports (issue 18): the targets board's people with their actuals and
attainment, work reports, expense claims and their lines, each with the list page's filters (its query
string) and the viewer's data scope, under `salesadmin.<entity>.export`."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.imports import registry
from crm.imports.exports import Column
from crm.salesadmin import figures
from crm.salesadmin.forms import PeriodForm
from crm.salesadmin.permissions import CLAIM, REPORT, TARGET
from crm.salesadmin.selectors import claims, reports, targets


def targets_query(actor, params):
    form = PeriodForm(params or None, departments=targets.departments_in_scope(actor).order_by("path"))
    _span, period, department = form.chosen()
    columns = [Column("name", _("Salesperson")), Column("department_name", _("Department"))]
    for key in figures.TARGETED:
        label = figures.MEASURES[key].label
        columns += [Column(f"{key}_target", _("%(measure)s: target") % {"measure": label}),
                    Column(f"{key}_actual", _("%(measure)s: actual") % {"measure": label}),
                    Column(f"{key}_attainment", _("%(measure)s: attainment (%%)") % {"measure": label})]
    return targets.target_rows(user=actor, period=period, department=department), columns


def reports_query(actor, params):
    queryset = reports.report_list(user=actor, **reports.report_filters(params))
    return queryset, [
        Column("author", _("Author")),
        Column("author.department.name", _("Department")),
        Column("get_kind_display", _("Kind")),
        Column("period_start", _("From")),
        Column("period_end", _("To")),
        Column("get_status_display", _("Status")),
        Column("submitted_at", _("Submitted at")),
        *[Column(f"figures.{key}", figures.MEASURES[key].label) for key in figures.REPORTED],
        Column("summary", _("Summary")),
        Column("plan", _("Next plan")),
        Column("reviewer", _("Reviewer")),
        Column("score", _("Score")),
        Column("comment", _("Comment")),
    ]


def claims_query(actor, params):
    queryset = claims.claim_list(user=actor, **claims.claim_filters(params)).select_related("paid_by")
    return queryset, [
        Column("number", _("Number")),
        Column("title", _("Title")),
        Column("claimant", _("Claimant")),
        Column("claimant.department.name", _("Department")),
        Column("total", _("Total (CNY)")),
        Column("get_status_display", _("Status")),
        Column("paid", pgettext_lazy("claim", "Paid")),
        Column("paid_on", _("Paid on")),
        Column("created_at", _("Created at")),
    ]


def lines_query(actor, params):
    """One row per line of the claims the list shows (claims are the scoped records, lines read beside them)."""
    queryset = (claims.claim_list(user=actor, **claims.claim_filters(params))
                .filter(lines__isnull=False).order_by("-id", "lines__position", "lines__id")
                .values("number", "title", "claimant__name", "lines__expense_type__entry", "lines__amount",
                        "lines__spent_on", "lines__description", "lines__customer__name",
                        "lines__opportunity__summary"))
    return queryset, [
        Column("number", _("Claim number")),
        Column("title", _("Title")),
        Column("claimant__name", _("Claimant")),
        Column("lines__expense_type__entry", _("Expense type")),
        Column("lines__amount", _("Amount (CNY)")),
        Column("lines__spent_on", _("Date")),
        Column("lines__description", _("Description")),
        Column("lines__customer__name", _("Customer")),
        Column("lines__opportunity__summary", _("Opportunity")),
    ]


for code, label, resource, query in (
    ("sales-targets", _("Sales targets"), TARGET, targets_query),
    ("work-reports", _("Work reports"), REPORT, reports_query),
    ("expense-claims", _("Expense claims"), CLAIM, claims_query),
    ("expense-lines", _("Expense claim lines"), CLAIM, lines_query),
):
    registry.register_export(registry.ExportSource(code=code, label=label, resource=resource, query=query))
