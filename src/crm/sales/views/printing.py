"""Printing pages: the contract's printable page and PDF, and the print templates administrators edit
(one per document: quote, contract). The quote's own are in crm.sales.views.quotes."""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.views.flows import go
from crm.customers.permissions import CONTRACT
from crm.customers.selectors.related import contract_get
from crm.sales import printing
from crm.sales.forms import PrintTemplateForm
from crm.sales.permissions import QUOTE


@crm_view(f"{CONTRACT}.view")
def contract_print(request, pk):
    contract = contract_get(user=request.user, pk=pk)
    body = printing.document_html("contract", contract)
    return render(request, "sales/document_print.html",
                  {"title": f"{contract.number} {contract.title}", "body": body, "style": printing.STYLE,
                   "back": reverse("customers:contract_detail", args=[pk]),
                   "pdf": reverse("sales:contract_pdf", args=[pk])})


@crm_view(f"{CONTRACT}.view")
def contract_pdf(request, pk):
    contract = contract_get(user=request.user, pk=pk)
    response = HttpResponse(printing.document_pdf("contract", contract), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{contract.number}.pdf"'
    return response


@crm_view(f"{QUOTE}.template", methods=("GET", "POST"))
def print_template(request):
    key = request.GET.get("kind") or "quote"
    document = printing.DOCUMENTS.get(key)
    if document is None:
        raise Http404
    form = PrintTemplateForm(request.POST or None, initial={"body": printing.template_body(key)})
    if request.method == "POST" and form.is_valid():
        try:
            printing.template_save(actor=request.user, key=key, body=form.cleaned_data["body"])
        except DomainError as exc:
            errors_onto_form(form, exc)
        else:
            messages.success(request, _("The print template is saved."))
            return go(request, f"{reverse('sales:print_template')}?kind={key}")
    context = {"form": form, "help": document.help, "document": document, "documents": printing.DOCUMENTS.values()}
    return render(request, "sales/print_template.html", context, status=400 if form.errors else 200)
