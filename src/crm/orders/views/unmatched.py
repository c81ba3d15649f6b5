"""Unmatched orders (ORD-1): shipped and paid orders whose ERP customer code names no customer of
the CRM, one row per code. Whoever resolves them picks the customer in a dialog (a search, as in
the other customer pickers); crm.orders.matching links every order of that code, now and later."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.core.errors import DomainError
from crm.core.htmx import is_htmx
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import go
from crm.customers.selectors.customers import customer_get, customer_search
from crm.orders import selectors
from crm.orders.matching import orders_resolve
from crm.orders.permissions import ORDER

PAGE_SIZE = 20
PICKER_LIMIT = 20


def _code(request) -> str:
    return (request.POST.get("code") or request.GET.get("code") or "").strip()[:64]


@crm_view(f"{ORDER}.resolve")
def unmatched_list(request):
    page_obj = CappedPaginator(selectors.unmatched_groups(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "orders/unmatched.html", {"page_obj": page_obj, "groups": page_obj.object_list})


def _group(user, code: str) -> dict | None:
    return selectors.unmatched_groups(user=user).filter(customer_code=code).first() if code else None


@crm_view(f"{ORDER}.resolve", methods=("GET", "POST"))
def resolve(request):
    """GET: the dialog (the group and a customer search). POST {code, customer}: link them."""
    code = _code(request)
    group = _group(request.user, code)
    error = ""
    if request.method == "POST":
        try:
            customer = customer_get(user=request.user, pk=request.POST.get("customer"))
            linked = orders_resolve(actor=request.user, code=code, customer=customer)
        except DomainError as exc:
            error = exc.summary()
        else:
            messages.success(
                request,
                _("%(count)s orders with the ERP customer code %(code)s now belong to %(name)s.")
                % {"count": linked, "code": code, "name": customer.name},
            )
            return go(request, reverse("orders:unmatched"))
    query = (request.GET.get("q") or "").strip()[:100]
    if not query and group and request.method == "GET":
        query = group["customer_name"] or ""
    context = {
        "code": code,
        "group": group,
        "q": query,
        "results": customer_search(user=request.user, query=query, limit=PICKER_LIMIT) if query else [],
        "searched": bool(query),
        "error": error,
    }
    template = "orders/partials/resolve_dialog.html" if is_htmx(request) else "orders/resolve.html"
    return render(request, template, context, status=400 if error and not is_htmx(request) else 200)


@crm_view(f"{ORDER}.resolve")
def resolve_customers(request):
    """The picker's results while typing (htmx)."""
    query = (request.GET.get("q") or "").strip()[:100]
    context = {
        "code": _code(request),
        "q": query,
        "results": customer_search(user=request.user, query=query, limit=PICKER_LIMIT) if query else [],
        "searched": bool(query),
    }
    return render(request, "orders/partials/resolve_results.html", context)
