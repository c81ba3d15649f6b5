"""Expense claims (SADM-3): list, the claim with its lines, submit, paid, statistics."""

import datetime

from django.http import FileResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.approvals.models import Approval
from crm.core.errors import ValidationFailed
from crm.core.pagination import CappedPaginator
from crm.core.uploads import stored_file
from crm.core.views.flows import delete_flow, form_flow
from crm.customers.models import Customer
from crm.opportunities.models import Opportunity
from crm.salesadmin.forms import ClaimForm, PeriodForm
from crm.salesadmin.models import ClaimStatus
from crm.salesadmin.periods import SPANS
from crm.salesadmin.permissions import CLAIM
from crm.salesadmin.selectors import claims as selectors
from crm.salesadmin.services import claims as services

PAGE_SIZE = 20
PICK_LIMIT = 200


@crm_view(f"{CLAIM}.view")
def claim_index(request):
    filters = selectors.claim_filters(request.GET)
    page_obj = CappedPaginator(selectors.claim_list(user=request.user, **filters), PAGE_SIZE).get_page(
        request.GET.get("page"))
    context = {"page_obj": page_obj, **filters, "may_create": access_for(request.user).can(f"{CLAIM}.create"),
               "may_export": access_for(request.user).can(f"{CLAIM}.export"),
               "filters": [("", _("All")), ("draft", ClaimStatus.DRAFT.label),
                           ("in_approval", ClaimStatus.IN_APPROVAL.label), ("unpaid", _("Approved, unpaid")),
                           ("paid", pgettext("claim", "Paid"))]}
    return render(request, "salesadmin/claims.html", context)


def _choices(user) -> dict:
    """The customers and opportunities one may name on a line: the claimant's scope, the newest first."""
    access = access_for(user)
    customers = access.scoped("customers.customer", Customer.objects.all()).order_by("-id")
    opportunities = access.scoped("opportunities.opportunity", Opportunity.objects.all()).order_by("-id")
    return {"customers": list(customers.values_list("pk", "name")[:PICK_LIMIT]),
            "opportunities": list(opportunities.values_list("pk", "summary")[:PICK_LIMIT])}


def _lines(form: ClaimForm) -> list[dict]:
    return services.resolve_lines([
        {"id": r["id"], "expense_type": r["type"], "amount": r["amount"], "spent_on": r["date"],
         "description": r["description"], "customer": r["customer"], "opportunity": r["opportunity"],
         "receipt": r["receipt"]} for r in form.lines()])


def _claim_page(request, form, claim=None):
    return lambda status: render(request, "salesadmin/claim_form.html", {"form": form, "claim": claim},
                                 status=status)


def _field_map(form: ClaimForm) -> dict:
    """The service names line errors `lines.<i>.<field>`; the form's rows are `<field>_<i>`."""
    names = {"expense_type": "type", "spent_on": "date"}
    return {f"lines.{i}.{field}": f"{names.get(field, field)}_{i}" for i in form.rows
            for field in ("expense_type", "amount", "spent_on", "description", "customer", "opportunity", "receipt")}


@crm_view(f"{CLAIM}.create", methods=("GET", "POST"))
def claim_create(request):
    form = ClaimForm(request.POST or None, request.FILES or None, **_choices(request.user))

    def save():
        return services.claim_create(actor=request.user, data=form.cleaned_data, lines=_lines(form))

    return form_flow(request, form, save=save, success=lambda c: _("Claim %(number)s saved.") % {"number": c.number},
                     done=lambda c: reverse("salesadmin:claim_detail", args=[c.pk]), page=_claim_page(request, form),
                     field_map=_field_map(form))


@crm_view(f"{CLAIM}.edit", methods=("GET", "POST"))
def claim_edit(request, pk: int):
    claim = selectors.claim_get(user=request.user, pk=pk)
    lines = list(selectors.claim_lines(claim))
    initial = {"title": claim.title}
    for i, line in enumerate(lines):
        initial.update({f"type_{i}": line.expense_type_id, f"amount_{i}": line.amount, f"date_{i}": line.spent_on,
                        f"description_{i}": line.description, f"customer_{i}": line.customer_id,
                        f"opportunity_{i}": line.opportunity_id, f"id_{i}": line.pk})
    form = ClaimForm(request.POST or None, request.FILES or None, initial=initial,
                     rows=max(len(lines) + 2, 5), **_choices(request.user))

    def save():
        return services.claim_update(actor=request.user, claim=claim, data=form.cleaned_data,
                                     lines=_lines(form))

    return form_flow(request, form, save=save, success=lambda c: _("Claim saved."),
                     done=reverse("salesadmin:claim_detail", args=[claim.pk]), page=_claim_page(request, form, claim),
                     field_map=_field_map(form))


@crm_view(f"{CLAIM}.view")
def claim_detail(request, pk: int):
    claim = selectors.claim_get(user=request.user, pk=pk)
    approval = (Approval.objects.filter(document_type=services.CLAIM_DOCUMENT, object_id=claim.pk)
                .order_by("-id").first())
    context = {"claim": claim, "lines": selectors.claim_lines(claim), "approval": approval,
               "may": access_for(request.user).abilities(CLAIM, claim), "today": timezone.localdate()}
    return render(request, "salesadmin/claim_detail.html", context)


@crm_view(f"{CLAIM}.edit", methods=("POST",))
def claim_submit(request, pk: int):
    claim = selectors.claim_get(user=request.user, pk=pk)

    def submit():
        approval = services.claim_submit(actor=request.user, claim=claim)
        return approval

    return delete_flow(request, delete=submit, success=_("Claim submitted."),
                       done=reverse("salesadmin:claim_detail", args=[claim.pk]))


@crm_view(f"{CLAIM}.delete", methods=("POST",))
def claim_delete(request, pk: int):
    claim = selectors.claim_get(user=request.user, pk=pk)
    return delete_flow(request, delete=lambda: services.claim_delete(actor=request.user, claim=claim),
                       success=_("Claim deleted."), done=reverse("salesadmin:claims"),
                       refused=reverse("salesadmin:claim_detail", args=[claim.pk]))


@crm_view(f"{CLAIM}.pay", methods=("POST",))
def claim_pay(request, pk: int):
    claim = selectors.claim_get(user=request.user, pk=pk)
    paid = request.POST.get("paid") != "0"

    def pay():
        try:
            paid_on = datetime.date.fromisoformat(request.POST["paid_on"]) if request.POST.get("paid_on") else None
        except ValueError:
            raise ValidationFailed(fields={"paid_on": [_("Enter a date (YYYY-MM-DD).")]}) from None
        services.claim_pay(actor=request.user, claim=claim, paid=paid, paid_on=paid_on)

    return delete_flow(request, delete=pay, success=_("Marked paid.") if paid else _("Marked unpaid."),
                       done=reverse("salesadmin:claim_detail", args=[claim.pk]))


@crm_view(f"{CLAIM}.view")
def line_receipt(request, pk: int):
    line = selectors.line_get(user=request.user, pk=pk)
    response = FileResponse(stored_file(line.receipt), content_type=line.receipt_type or "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@crm_view(f"{CLAIM}.view")
def claim_stats(request):
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    span = data.get("span") or "year"
    period = SPANS[span](data.get("month") or timezone.localdate())
    group = request.GET.get("group") if request.GET.get("group") in selectors.GROUPS else "type"
    rows = selectors.claim_stats(user=request.user, period=period, group=group)
    chart = {"kind": "vbar" if group == "month" else "hbar", "series": str(_("Amount (CNY)")),
             "labels": [r["label"] for r in rows], "values": [float(r["amount"]) for r in rows],
             "links": [None for _r in rows]}
    context = {"form": form, "rows": rows, "chart": chart, "group": group, "period": period, "span": span,
               "groups": [(key, label) for key, (label, _column) in selectors.GROUPS.items()],
               "total": sum(r["amount"] for r in rows)}
    return render(request, "salesadmin/claim_stats.html", context, status=400 if form.errors else 200)
