"""Priced lines in pages, shared by the quote and the contract editors: the rows as a formset, the ERP
products picked by code from suggestions while typing, and the contract's lines editor."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError, ValidationFailed
from crm.core.views.flows import go
from crm.customers.permissions import CONTRACT
from crm.customers.selectors.related import contract_get
from crm.orders.permissions import PRODUCT
from crm.orders.selectors import product_list, products_by_code
from crm.sales import selectors
from crm.sales.forms import LineFormSet
from crm.sales.services.contract_lines import contract_lines_save

SUGGESTIONS = 12


def line_rows(user, formset) -> list[dict]:
    """The filled rows of a valid formset, each product code resolved to the ERP product (one query);
    an unknown code is refused naming its line."""
    rows = [line for line in (form.line() for form in formset.forms) if line is not None]
    codes = {row["product_code"] for row in rows if row["product_code"]}
    products = products_by_code(user=user, codes=codes) if codes else {}
    for index, row in enumerate(rows, start=1):
        code = row.pop("product_code")
        if code and code not in products:
            message = _("Line %(n)d: there is no product with the code %(code)s.") % {"n": index, "code": code}
            raise ValidationFailed(fields={"lines": [message]})
        row["product"] = products.get(code)
    return rows


def initial_rows(lines) -> list[dict]:
    return [{"product": line.product.external_id if line.product_id else "", "description": line.description,
             "quantity": line.quantity, "unit_price": line.unit_price, "discount": line.discount} for line in lines]


def picker_context(user) -> dict:
    return {"pick_products": access_for(user).can(f"{PRODUCT}.view")}


@crm_view(f"{PRODUCT}.view")
def product_options(request):
    """The picker's suggestions (htmx): products whose name or model holds what was typed into any
    line's product field, as <option>s of the shared datalist."""
    query = next((value for key, value in request.GET.items() if key.endswith("product") and value), "")[:50]
    products = product_list(user=request.user, filters={"search": query.strip()})[:SUGGESTIONS] if query else []
    return render(request, "sales/partials/product_options.html", {"products": products})


@crm_view(f"{CONTRACT}.edit", methods=("GET", "POST"))
def contract_lines(request, pk):
    """合同明细: the draft contract's lines; saving sets the amount to their sum."""
    contract = contract_get(user=request.user, pk=pk)
    if "amount" in access_for(request.user).concealed_fields(CONTRACT):
        raise PermissionDenied  # the lines' prices add up to the amount this user may not see
    data = request.POST if request.method == "POST" else None
    formset = LineFormSet(data, prefix="lines", initial=initial_rows(selectors.contract_lines(contract)))
    errors = []
    if request.method == "POST" and formset.is_valid():
        try:
            rows = line_rows(request.user, formset)
            contract_lines_save(actor=request.user, contract=contract, lines=rows)
        except DomainError as exc:
            errors = [str(m) for messages_ in (exc.fields or {}).values() for m in messages_] or [exc.summary()]
        else:
            messages.success(request, _("The lines of contract %(number)s are saved.") % {"number": contract.number})
            return go(request, reverse("customers:contract_detail", args=[pk]))
    context = {"contract": contract, "formset": formset, "errors": errors, **picker_context(request.user)}
    status = 400 if request.method == "POST" else 200
    return render(request, "sales/contract_lines.html", context, status=status)
