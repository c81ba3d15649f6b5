"""报价单 pages (issue 16 §2): the list, a quote with its lines, create and edit (lines as rows),
submit for approval, the customer's answer, one-step conversion into a contract, the printable
page and the PDF, and the print template for administrators."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import go
from crm.customers.selectors.customers import customer_get
from crm.opportunities.models import Opportunity
from crm.sales import printing, selectors
from crm.sales.forms import LineFormSet, QuoteForm
from crm.sales.models import QUOTE_STATES, Quote, QuoteStatus
from crm.sales.permissions import QUOTE
from crm.sales.services import quotes
from crm.sales.views.lines import initial_rows, line_rows, picker_context

PAGE_SIZE = 20
def _quote(user, pk) -> Quote:
    return selectors.quote_get(user=user, pk=pk)


@crm_view(f"{QUOTE}.view")
def quote_list(request):
    status = request.GET.get("status") or ""
    queryset = selectors.quote_list(user=request.user, status=status, listing=True)
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page_obj, "status": status, "statuses": QuoteStatus.choices, "today": timezone.localdate()}
    return render(request, "sales/quotes.html", context)


def _editor(request, *, customer, quote=None):
    opportunities = Opportunity.objects.filter(customer=customer).order_by("-id")
    if quote is not None:
        initial = {"title": quote.title, "valid_until": quote.valid_until, "tax_rate": quote.tax_rate,
                   "opportunity": quote.opportunity_id, "notes": quote.notes}
        lines = initial_rows(quote.lines.select_related("product").order_by("position"))
    else:
        initial = {"valid_until": timezone.localdate() + timezone.timedelta(days=30),
                   "opportunity": request.GET.get("opportunity")}
        lines = []
    data = request.POST if request.method == "POST" else None
    form = QuoteForm(data, initial=initial, opportunities=opportunities)
    formset = LineFormSet(data, prefix="lines", initial=lines)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            rows = line_rows(request.user, formset)
            if quote is None:
                quote = quotes.quote_create(actor=request.user, customer=customer, data=form.cleaned_data, lines=rows)
            else:
                quote = quotes.quote_update(actor=request.user, quote=quote, data=form.cleaned_data, lines=rows)
        except DomainError as exc:
            errors_onto_form(form, exc, field_map={"lines": None})
        else:
            messages.success(request, _("Quote %(number)s saved.") % {"number": quote.number})
            return go(request, reverse("sales:quote_detail", args=[quote.pk]))
    context = {"form": form, "formset": formset, "customer": customer, "quote": quote, **picker_context(request.user)}
    return render(request, "sales/quote_form.html", context, status=400 if request.method == "POST" else 200)


@crm_view(f"{QUOTE}.create", methods=("GET", "POST"))
def quote_create(request):
    customer = customer_get(user=request.user, pk=request.GET.get("customer") or request.POST.get("customer") or 0)
    return _editor(request, customer=customer)


@crm_view(f"{QUOTE}.edit", methods=("GET", "POST"))
def quote_edit(request, pk):
    quote = _quote(request.user, pk)
    return _editor(request, customer=quote.customer, quote=quote)


@crm_view(f"{QUOTE}.view")
def quote_detail(request, pk):
    quote = _quote(request.user, pk)
    may = access_for(request.user).abilities(QUOTE, quote)
    context = {
        "quote": quote,
        "lines": quote.lines.order_by("position"),
        "actions": QUOTE_STATES.actions(quote.status) if may["edit"] else [],
        "may": may,
        "expired": quote.valid_until < timezone.localdate(),
    }
    return render(request, "sales/quote_detail.html", context)


def _act(request, quote, act, success):
    """(None, result) after the act and its message; (a redirect back with the refusal, None) when refused."""
    try:
        result = act()
    except DomainError as exc:
        messages.error(request, exc.summary())
        return go(request, reverse("sales:quote_detail", args=[quote.pk])), None
    messages.success(request, success(result) if callable(success) else success)
    return None, result


def _submitted(approval) -> str:
    return _("Submitted for approval.") if approval else _("No approval needed: ready to send.")


@crm_view(f"{QUOTE}.edit", methods=("POST",))
def quote_submit(request, pk):
    quote = _quote(request.user, pk)
    refused, _approval = _act(request, quote, lambda: quotes.quote_submit(actor=request.user, quote=quote), _submitted)
    return refused or go(request, reverse("sales:quote_detail", args=[pk]))


@crm_view(f"{QUOTE}.edit", methods=("POST",))
def quote_answer(request, pk, action):
    quote = _quote(request.user, pk)
    refused, _quote_row = _act(request, quote, lambda: quotes.quote_answer(actor=request.user, quote=quote,
                                                                          action=action),
                               _("Quote %(number)s updated.") % {"number": quote.number})
    return refused or go(request, reverse("sales:quote_detail", args=[pk]))


@crm_view(f"{QUOTE}.edit", methods=("POST",))
def quote_convert(request, pk):
    quote = _quote(request.user, pk)
    refused, contract = _act(request, quote, lambda: quotes.quote_convert(actor=request.user, quote=quote),
                             lambda c: _("Contract %(number)s created from the quote.") % {"number": c.number})
    return refused or go(request, reverse("customers:contract_detail", args=[contract.pk]))


@crm_view(f"{QUOTE}.view")
def quote_print(request, pk):
    quote = _quote(request.user, pk)
    return render(request, "sales/quote_print.html", {"quote": quote, "body": printing.document_html("quote", quote),
                                                      "style": printing.STYLE})


@crm_view(f"{QUOTE}.view")
def quote_pdf(request, pk):
    quote = _quote(request.user, pk)
    response = HttpResponse(printing.document_pdf("quote", quote), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{quote.number}.pdf"'
    return response
