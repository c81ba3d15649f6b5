"""Contracts 客户合同 (CUS-16): the list of every contract the user may see (filters, sorting,
paging with a bounded count; exported through crm.imports), create (from a customer, or after picking one), detail with
its attachments, edit, delete (drafts only)."""

from django.contrib import messages
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.approvals.services import pending_approval
from crm.charts.views import chart_panel
from crm.core.errors import DomainError
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import delete_flow, dialog, go, safe_next
from crm.customers import search
from crm.customers.forms_admin import ContractFilterForm, ContractForm, ContractTransitionForm
from crm.customers.models import CLOSED_CONTRACT, CONTRACT_STATES, REASON_ACTIONS, Contract, ContractStatus, Customer
from crm.customers.permissions import CONTRACT, CUSTOMER
from crm.customers.sections import contract_sections
from crm.customers.selectors import related
from crm.customers.selectors.customers import customer_get, customer_permissions
from crm.customers.selectors.scope import assignable_managers, customer_queryset
from crm.customers.services import contracts
from crm.identity.models import User

PAGE_SIZE = 20
PICKER_LIMIT = 20


# --- the list --------------------------------------------------------------------------------------------
def _filtered(request, form: ContractFilterForm):
    """The contracts the user may see, filtered and sorted as the form asks (invalid parts ignored)."""
    filters = form.valid_filters()
    return related.contract_list(user=request.user, filters=filters), filters.get("ordering") or "-id"


@crm_view(f"{CONTRACT}.view")
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
        "may": access.abilities(CONTRACT),
        "amount_hidden": "amount" in access.hidden_fields(CONTRACT),
        "amount_concealed": "amount" in access.concealed_fields(CONTRACT),
        "chart": chart_panel(request, "contracts"),
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "customers/contracts/list.html", context, status=status)


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
        "removed": access.concealed_fields(CONTRACT),
        "locked": access.readonly_fields(CONTRACT) - access.hidden_fields(CONTRACT) - access.masked_fields(CONTRACT),
    }


def _contract_dialog(request, form, *, save, message, context: dict):
    """The contract form in the shared dialog; a plain POST goes on to the contract's page."""
    return dialog(
        request,
        form=form,
        save=save,
        success=lambda contract: message % {"number": contract.number},
        next_url=lambda contract: reverse("customers:contract_detail", args=[contract.pk]),
        **context,
    )


def _editable_customers(user, query: str):
    condition = search.matching(query) if query else None
    if condition is None:
        return []
    queryset = customer_queryset(user, action="edit").filter(condition).select_related("manager")
    return list(queryset.order_by("-id")[:PICKER_LIMIT])


@crm_view(f"{CONTRACT}.create", methods=("GET", "POST"))
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
        statuses=contracts.CREATE_STATUSES,
        **_contract_form_fields(request.user),
    )
    return _contract_dialog(
        request,
        form,
        save=lambda: contracts.contract_create(actor=request.user, customer=customer, data=form.service_data()),
        message=_("Contract %(number)s created."),
        context={
            "title": _("New contract with %(name)s") % {"name": customer.name},
            "submit": _("Create contract"),
            "intro": _("The number is given when the contract is saved."),
        },
    )


@crm_view(f"{CONTRACT}.create")
def contract_customer_search(request):
    """The customer picker's results while typing (htmx): customers the user may work on."""
    query = request.GET.get("q", "").strip()[:100]
    context = {"q": query, "results": _editable_customers(request.user, query), "searched": bool(query)}
    return render(request, "customers/contracts/customer_results.html", context)


# --- one contract ------------------------------------------------------------------------------------------
def _detail_context(request, contract: Contract) -> dict:
    may = customer_permissions(user=request.user, customer=contract.customer)
    on_contract = access_for(request.user).abilities(CONTRACT, parent=contract.customer)
    in_approval = pending_approval(contracts.APPROVAL_DOCUMENT, contract.pk)
    attachments = related.attachment_list(user=request.user, customer=contract.customer).filter(contract=contract)
    return {
        "contract": contract,
        "customer": contract.customer,
        "attachments": list(attachments[:100]),
        "may": {
            **may,
            "edit_contract": on_contract["edit"] and in_approval is None,
            "delete_contract": on_contract["delete"] and contract.status == ContractStatus.DRAFT,
            "submit_contract": on_contract["edit"] and contract.status == ContractStatus.DRAFT,
        },
        "status_actions": _status_actions(contract) if on_contract["edit"] and in_approval is None else [],
        "approval": in_approval,
        "panels": _contract_panels(request.user, contract),
        "closed": contract.status in CLOSED_CONTRACT,
        "show_contract": False,
        "next_url": reverse("customers:contract_detail", args=[contract.pk]),
    }


def _status_actions(contract: Contract) -> list[dict]:
    """The steps of the status flow the contract may take now, as buttons."""
    return [
        {"action": action, "label": CONTRACT_STATES.labels[action], "reason": action in REASON_ACTIONS,
         "url": reverse("customers:contract_transition", args=[contract.pk, action])}
        for action in CONTRACT_STATES.actions(contract.status)
    ]


def _contract_panels(user, contract: Contract) -> list[dict]:
    """Other apps' panels on the contract (crm.customers.sections.register_contract_section)."""
    panels = []
    access = access_for(user)
    for section in contract_sections():
        if section.permission and not access.can(section.permission):
            continue
        context = section.context(user, contract)
        if context is not None:
            panels.append({"section": section, "context": context})
    return panels


@crm_view(f"{CONTRACT}.view")
def contract_detail(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    return render(request, "customers/contracts/detail.html", _detail_context(request, contract))


@crm_view(f"{CONTRACT}.view")
def contract_attachments(request, pk):
    """The contract's attachments again (htmx, after an upload)."""
    contract = related.contract_get(user=request.user, pk=pk)
    return render(request, "customers/contracts/attachments.html", _detail_context(request, contract))


@crm_view(f"{CONTRACT}.edit", methods=("GET", "POST"))
def contract_edit(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    access_for(request.user).check(CUSTOMER, "edit", contract.customer)
    closed = contract.status in CLOSED_CONTRACT
    initial = {name: getattr(contract, name) for name in contracts.CONTRACT_FIELDS}
    fields = _contract_form_fields(request.user)
    if contract.has_lines:  # the sum of its lines (crm.sales)
        fields["locked"] = {*fields["locked"], "amount"}
    form = ContractForm(
        request.POST or None,
        initial=initial,
        owners=_owners(request.user, contract.customer, contract.owner_id),
        closed=closed,
        statuses=_edit_statuses(contract),
        **fields,
    )
    closed_note = _("A closed contract keeps its terms; only its notes can change.")
    return _contract_dialog(
        request,
        form,
        save=lambda: contracts.contract_update(actor=request.user, contract=contract, data=form.service_data()),
        message=_("Contract %(number)s saved."),
        context={
            "title": _("Edit contract %(number)s") % {"number": contract.number},
            "intro": closed_note if closed else "",
        },
    )


def _edit_statuses(contract: Contract) -> list:
    """The status field in the edit form: where it is and where the flow lets it go without a reason
    (terminating and voiding ask for one in their own dialog)."""
    targets = [CONTRACT_STATES.target(contract.status, action) for action in CONTRACT_STATES.actions(contract.status)
               if action not in REASON_ACTIONS]
    return [ContractStatus(contract.status), *targets]


@crm_view(f"{CONTRACT}.edit", methods=("GET", "POST"))
def contract_transition(request, pk, action):
    """One step of the status flow (签订, 生效, 完成, 终止, 作废) in the shared dialog; terminating and
    voiding ask for the reason."""
    contract = related.contract_get(user=request.user, pk=pk)
    if action not in CONTRACT_STATES.transitions:
        raise Http404
    label = CONTRACT_STATES.labels[action]
    form = ContractTransitionForm(request.POST or None, needs_reason=action in REASON_ACTIONS)
    return dialog(
        request,
        form=form,
        title=_("%(action)s contract %(number)s") % {"action": label, "number": contract.number},
        submit=label,
        intro=_("The contract becomes “%(status)s”.") % {
            "status": ContractStatus(CONTRACT_STATES.transitions[action].target).label},
        save=lambda: contracts.contract_transition(actor=request.user, contract=contract, action=action,
                                                   reason=form.cleaned_data.get("reason", "")),
        success=lambda c: _("Contract %(number)s is now “%(status)s”.") % {
            "number": c.number, "status": c.get_status_display()},
        next_url=reverse("customers:contract_detail", args=[pk]),
        field_map={"status": None, "status_reason": "reason"},
        leave=True,
    )


@crm_view(f"{CONTRACT}.edit", methods=("POST",))
def contract_submit(request, pk):
    """提交审批: into the approval flow that applies, or straight into force when none does."""
    contract = related.contract_get(user=request.user, pk=pk)
    try:
        approval = contracts.contract_submit(actor=request.user, contract=contract)
    except DomainError as exc:
        messages.error(request, exc.summary())
        return go(request, reverse("customers:contract_detail", args=[pk]))
    if approval is None:
        contract.refresh_from_db(fields=["status"])
        message = _("No approval is needed: contract %(number)s is now “%(status)s”.")
        messages.success(request, message % {"number": contract.number, "status": contract.get_status_display()})
        return go(request, reverse("customers:contract_detail", args=[pk]))
    messages.success(request, _("Contract %(number)s submitted for approval.") % {"number": contract.number})
    return go(request, reverse("approvals:detail", args=[approval.pk]))


@crm_view(f"{CONTRACT}.delete", methods=("POST",))
def contract_delete(request, pk):
    contract = related.contract_get(user=request.user, pk=pk)
    return delete_flow(
        request,
        delete=lambda: contracts.contract_delete(actor=request.user, contract=contract),
        success=_("Contract %(number)s deleted.") % {"number": contract.number},
        done=safe_next(request, reverse("customers:contract_list")),
        refused=reverse("customers:contract_detail", args=[pk]),
    )
