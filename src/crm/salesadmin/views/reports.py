"""Weekly and monthly work reports (SADM-2): mine, my team's, the ones waiting for my score."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import form_flow, go
from crm.salesadmin import figures
from crm.salesadmin.forms import ReportForm, ReportTextForm, ReviewForm
from crm.salesadmin.models import ReportKind, ReportStatus
from crm.salesadmin.permissions import REPORT
from crm.salesadmin.selectors.reports import report_filters, report_get, report_list
from crm.salesadmin.services import reports as services

PAGE_SIZE = 20


@crm_view(f"{REPORT}.view")
def report_index(request):
    filters = report_filters(request.GET)
    page_obj = CappedPaginator(report_list(user=request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"page_obj": page_obj, **filters, "kinds": ReportKind.choices,
               "may_write": access_for(request.user).can(f"{REPORT}.create"),
               "may_review": access_for(request.user).can(f"{REPORT}.review"),
               "may_export": access_for(request.user).can(f"{REPORT}.export")}
    return render(request, "salesadmin/reports.html", context)


def _submit(request) -> bool:
    return request.POST.get("action") == "submit"


@crm_view(f"{REPORT}.create", methods=("GET", "POST"))
def report_create(request):
    initial = {"kind": request.GET.get("kind") or ReportKind.WEEK, "period_start": request.GET.get("period_start")}
    form = ReportForm(request.POST or None, initial=initial)

    def save():
        data = form.cleaned_data
        return services.report_create(actor=request.user, kind=data["kind"], period_start=data["period_start"],
                                      data=data, submit=_submit(request))

    return form_flow(request, form, save=save, success=lambda r: _("Report saved."),
                     done=lambda r: reverse("salesadmin:report_detail", args=[r.pk]),
                     page=lambda status: render(request, "salesadmin/report_form.html", {"form": form},
                                                status=status))


@crm_view(f"{REPORT}.view", methods=("GET", "POST"))
def report_edit(request, pk: int):
    report = report_get(user=request.user, pk=pk)
    form = ReportTextForm(request.POST or None, initial={"summary": report.summary, "plan": report.plan})

    def save():
        return services.report_update(actor=request.user, report=report, data=form.cleaned_data,
                                      submit=_submit(request))

    return form_flow(request, form, save=save, success=lambda r: _("Report saved."),
                     done=reverse("salesadmin:report_detail", args=[report.pk]),
                     page=lambda status: render(request, "salesadmin/report_form.html",
                                                {"form": form, "report": report}, status=status))


@crm_view(f"{REPORT}.view", methods=("GET", "POST"))
def report_detail(request, pk: int):
    report = report_get(user=request.user, pk=pk)
    access = access_for(request.user)
    may_review = (access.can(f"{REPORT}.review") and report.author_id != request.user.pk
                  and report.status != ReportStatus.DRAFT)
    form = ReviewForm(request.POST or None, initial={"score": report.score, "comment": report.comment})
    status = 200
    if request.method == "POST":
        if form.is_valid() and may_review:
            try:
                services.report_review(actor=request.user, report=report, score=form.cleaned_data["score"],
                                       comment=form.cleaned_data["comment"])
            except DomainError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(request, _("Score saved."))
                return go(request, reverse("salesadmin:report_detail", args=[report.pk]))
        elif not may_review:
            form.add_error(None, _("You cannot score this report."))
        status = 400
    rows = [{"label": figures.MEASURES[key].label, "value": report.figures.get(key, "0"),
             "money": figures.MEASURES[key].money} for key in figures.REPORTED]
    context = {"report": report, "rows": rows, "form": form, "may_review": may_review,
               "may_edit": report.author_id == request.user.pk and report.status == ReportStatus.DRAFT}
    return render(request, "salesadmin/report_detail.html", context, status=status)
