"""Contracts 客户合同 (CUS-16): the list of every contract the user may see (filters, sorting,
paging with a bounded count, export), create (from a customer, or after picking one), detail with
its attachments, edit, delete (drafts only)."""

from django.contrib import messages
from django.db.models import Case, CharField, F, Q, Value, When
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from crm.access.engine import access_for
from crm.core.errors import Conflict, DomainError
from crm.core.exports import Column, export_rows
from crm.core.forms import errors_onto_form
from crm.core.htmx import htmx_saved, is_htmx
from crm.core.pagination import CappedPaginator
from crm.core.views.decorators import domain_errors_as_http, require_function
from crm.customers import search
from crm.customers.forms_admin import CONTRACT_ORDERINGS, ContractFilterForm, ContractForm
from crm.customers.models import Contract, ContractStatus, Customer
from crm.customers.permissions import CONTRACT, CUSTOMER
from crm.customers.selectors import related
from crm.customers.selectors.customers import customer_get, customer_permissions
from crm.customers.selectors.scope import assignable_managers, customer_queryset
from crm.customers.services import files
from crm.customers.views.common import go, safe_next
from crm.identity.models import User

PAGE_SIZE = 20
PICKER_LIMIT = 20
# Customers matched by a search of the contract list: enough for any real query, bounded for a million.
SEARCH_CUSTOMERS_CAP = 500
CLOSED = (ContractStatus.COMPLETED, ContractStatus.TERMINATED)


# --- the list --------------------------------------------------------------------------------------------
def _search(queryset, query: str):
    condition = Q(number__istartswith=query) | Q(title__icontains=query)
    matching = search.matching(query)
    if matching is not None:
        ids = list(Customer.objects.filter(matching).values_list("pk", flat=True)[:SEARCH_CUSTOMERS_CAP])
        if ids:
            condition |= Q(customer_id__in=ids)
    return queryset.filter(condition)


def _ordering(key: str) -> list:
    names = CONTRACT_ORDERINGS.get(key) or CONTRACT_ORDERINGS["-id"]
    result = []
    for name in names:
        field = name.lstrip("-")
        expression = F(field).desc(nulls_last=True) if name.startswith("-") else F(field).asc(nulls_last=True)
        result.append(expression)
    return result


def _filtered(request, form: ContractFilterForm):
    """The contracts the user may see, filtered and sorted as the form asks (invalid parts ignored)."""
    queryset = related.contract_list(user=request.user)
    data = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data  # the valid filters only: a field with an error is left out
    query = (data.get("q") or "").strip()
    if query:
        queryset = _search(queryset, query)
    if data.get("status"):
        queryset = queryset.filter(status=data["status"])
    if data.get("signed_from"):
        queryset = queryset.filter(signed_on__gte=data["signed_from"])
    if data.get("signed_to"):
        queryset = queryset.filter(signed_on__lte=data["signed_to"])
    if data.get("amount_min") is not None:
        queryset = queryset.filter(amount__gte=data["amount_min"])
    if data.get("amount_max") is not None:
        queryset = queryset.filter(amount__lte=data["amount_max"])
    ordering = data.get("ordering") or "-id"
    return queryset.order_by(*_ordering(ordering)), ordering


@require_function(f"{CONTRACT}.view")
@require_safe
def contract_list(request):
    form = ContractFilterForm(request.GET or None)
    queryset, ordering = _filtered(request, form)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    access = access_for(request.user)
    context = {
        "form": form,
        "page_obj": page,
        "contracts": page.object_list,
        "ordering": ordering,
        "statuses": ContractStatus,
        "query_string": request.GET.urlencode(),
        "may": {
            "create": access.can(f"{CONTRACT}.create"),
            "export": access.can(f"{CONTRACT}.export"),
        },
        "amount_hidden": "amount" in access.hidden_fields(CONTRACT),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "customers/contracts/list.html", context, status=status)


def _status_label():
    return Case(
        *(When(status=value, then=Value(str(label))) for value, label in ContractStatus.choices),
        default=F("status"),
        output_field=CharField(),
    )


@require_function(f"{CONTRACT}.export")
@require_safe
@domain_errors_as_http
def contract_export(request):
    """The list as filtered on screen, as CSV or Excel; masked amounts stay masked (IMP-2)."""
    form = ContractFilterForm(request.GET or None)
    queryset, _ordering_key = _filtered(request, form)
    try:
        exported = export_rows(
            actor=request.user,
            resource_code=CONTRACT,
            queryset=queryset.annotate(status_label=_status_label()),
            columns=[Column(path, str(label)) for path, label in _export_columns()],
            fmt=request.GET.get("format", "xlsx"),
            description=request.GET.urlencode()[:200],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(f"{reverse('customers:contract_list')}?{request.GET.urlencode()}")
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = f'attachment; filename="{exported.filename}"'
    return response


def _export_columns():
    # Labels translated at request time (the module-level tuple holds them in the default language).
    return (
        ("number", _("Number")),
        ("title", _("Title")),
        ("customer.number", _("Customer number")),
        ("customer.name", _("Customer")),
        ("amount", _("Amount (CNY)")),
        ("signed_on", _("Signed on")),
        ("start_on", _("Starts on")),
        ("end_on", _("Ends on")),
        ("status_label", _("Status")),
        ("owner", _("Owner")),
        ("notes", _("Notes")),
    )


# --- create ------------------------------------------------------------------------------------------------
def _owners(user, customer: Customer, current=None):
    """Who may own the contract: users within the actor's scope, the customer's manager, and
    the contract's present owner."""
    condition = Q(pk__in=assignable_managers(user).values("pk"))
    for pk in (customer.manager_id, current):
        if pk:
            condition |= Q(pk=pk)
    return User.objects.active().filter(condition).select_related("department").order_by("department__path", "name")


def _contract_form_fields(user) -> dict:
    access = access_for(user)
    return {
        "removed": access.hidden_fields(CONTRACT) | access.masked_fields(CONTRACT),
        "locked": access.readonly_fields(CONTRACT) - access.hidden_fields(CONTRACT) - access.masked_fields(CONTRACT),
    }


def _contract_dialog(request, form, *, save, message, context: dict):
    """The contract form in the shared dialog (htmx) or as a page. A valid POST runs `save()`:
    htmx then closes the dialog (sections reload), a plain POST goes to the contract's page."""
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                contract = save()
            except DomainError as exc:
                errors_onto_form(form, exc)
            else:
                text = message % {"number": contract.number}
                if is_htmx(request):
                    return htmx_saved(text)
                messages.success(request, text)
                return redirect("customers:contract_detail", pk=contract.pk)
        status = 200 if is_htmx(request) else 400  # htmx swaps only 2xx answers into the dialog
    template = "customers/partials/dialog.html" if is_htmx(request) else "customers/dialog_page.html"
    return render(request, template, {"form": form, **context}, status=status)


def _editable_customers(user, query: str):
    condition = search.matching(query) if query else None
    if condition is None:
        return []
    queryset = customer_queryset(user, action="edit").filter(condition).select_related("manager")
    return list(queryset.order_by("-id")[:PICKER_LIMIT])


@require_function(f"{CONTRACT}.create")
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def contract_create(request):
    customer_id = request.GET.get("customer") or request.POST.get("customer")
    if not customer_id:
        query = request.GET.get("q", "").strip()[:100]
        context = {"q": query, "results": _editable_customers(request.user, query), "searched": bool(query)}
        return render(request, "customers/contracts/pick_customer.html", context)
    customer = customer_get(user=request.user, pk=customer_id)
    access_for(request.user).check(CUSTOMER, "edit", customer)
    form = ContractForm(
        request.POST or None,
        owners=_owners(request.user, customer),
        initial={"owner": customer.manager_id or request.user.pk, "status": ContractStatus.DRAFT},
        **_contract_form_fields(request.user),
    )
    return _contract_dialog(
        request,
        form,
        save=lambda: files.contract_create(actor=request.user, customer=customer, data=form.service_data()),
        message=_("Contract %(number)s created."),
        context={
            "title": _("New contract with %(name)s") % {"name": customer.name},
            "action": f"{reverse('customers:contract_create')}?customer={customer.pk}",
            "submit": _("Create contract"),
            "intro": _("The number is given when the contract is saved."),
        },
    )


@require_function(f"{CONTRACT}.create")
@require_safe
def contract_customer_search(request):
    """The customer picker's results while typing (htmx): customers the user may work on."""
    query = request.GET.get("q", "").strip()[:100]
    context = {"q": query, "results": _editable_customers(request.user, query), "searched": bool(query)}
    return render(request, "customers/contracts/customer_results.html", context)


# --- one contract ------------------------------------------------------------------------------------------
def _detail_context(request, contract: Contract) -> dict:
    may = customer_permissions(user=request.user, customer=contract.customer)
    access = access_for(request.user)
    attachments = related.attachment_list(user=request.user, customer=contract.customer).filter(contract=contract)
    return {
        "contract": contract,
        "customer": contract.customer,
        "attachments": list(attachments[:100]),
        "may": {
            **may,
            "edit_contract": may["work"] and access.can(f"{CONTRACT}.edit"),
            "delete_contract": may["work"]
            and access.can(f"{CONTRACT}.delete")
            and contract.status == ContractStatus.DRAFT,
        },
        "closed": contract.status in CLOSED,
        "show_contract": False,
        "next_url": reverse("customers:contract_detail", args=[contract.pk]),
    }


@require_function(f"{CONTRACT}.view")
@require_safe
@domain_errors_as_http
def contract_detail(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    return render(request, "customers/contracts/detail.html", _detail_context(request, contract))


@require_function(f"{CONTRACT}.view")
@require_safe
@domain_errors_as_http
def contract_attachments(request, pk):
    """The contract's attachments again (htmx, after an upload)."""
    contract = related.contract_get(user=request.user, pk=pk)
    return render(request, "customers/contracts/attachments.html", _detail_context(request, contract))


@require_function(f"{CONTRACT}.edit")
@require_http_methods(["GET", "POST"])
@domain_errors_as_http
def contract_edit(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    access_for(request.user).check(CUSTOMER, "edit", contract.customer)
    closed = contract.status in CLOSED
    initial = {name: getattr(contract, name) for name in files.CONTRACT_FIELDS}
    form = ContractForm(
        request.POST or None,
        initial=initial,
        owners=_owners(request.user, contract.customer, contract.owner_id),
        closed=closed,
        **_contract_form_fields(request.user),
    )
    closed_note = _("A completed or terminated contract keeps its terms; only its status and notes can change.")
    return _contract_dialog(
        request,
        form,
        save=lambda: files.contract_update(actor=request.user, contract=contract, data=form.service_data()),
        message=_("Contract %(number)s saved."),
        context={
            "title": _("Edit contract %(number)s") % {"number": contract.number},
            "action": reverse("customers:contract_edit", args=[contract.pk]),
            "intro": closed_note if closed else "",
        },
    )


@require_function(f"{CONTRACT}.delete")
@require_POST
@domain_errors_as_http
def contract_delete(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    number = contract.number
    try:
        files.contract_delete(actor=request.user, contract=contract)
    except Conflict as exc:
        messages.error(request, exc.message)
        return go(request, reverse("customers:contract_detail", args=[pk]))
    messages.success(request, _("Contract %(number)s deleted.") % {"number": number})
    return go(request, safe_next(request, reverse("customers:contract_list")))
