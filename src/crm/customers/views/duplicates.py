"""Find and merge duplicates (CUS-9), and transfer requests after a blocked create (CUS-8)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError, NotFound
from crm.core.views.flows import dialog
from crm.customers.forms import DecisionForm, TransferRequestForm
from crm.customers.models import MATCHING_KINDS, Customer
from crm.customers.permissions import CUSTOMER, TRANSFER
from crm.customers.selectors import transfers as transfers_selector
from crm.customers.selectors.duplicates import duplicate_groups
from crm.customers.selectors.scope import customer_queryset
from crm.customers.selectors.transfers import BOXES
from crm.customers.services import duplicates as duplicate_service
from crm.customers.services import merge, transfers
from crm.customers.services.merge import CHOOSABLE

GROUPS_PER_PAGE = 20


@crm_view(f"{CUSTOMER}.merge")
def duplicate_list(request):
    kind = request.GET.get("kind", "")
    try:
        page = min(max(1, int(request.GET.get("page", "1"))), 10_000)  # an offset the database can take
    except ValueError:
        page = 1
    groups, more = duplicate_groups(
        user=request.user, kind=kind, offset=(page - 1) * GROUPS_PER_PAGE, limit=GROUPS_PER_PAGE
    )
    return render(
        request,
        "customers/duplicates.html",
        {
            "groups": groups,
            "more": more,
            "page": page,
            "kind": kind,
            "kinds": [(choice.value, choice.label) for choice in MATCHING_KINDS],
        },
    )


def _field_rows(customers: list[Customer]) -> list[dict]:
    rows = []
    for name in CHOOSABLE:
        field = Customer._meta.get_field(name)
        values = []
        for customer in customers:
            value = getattr(customer, name)
            values.append({"customer": customer, "value": "" if value is None else getattr(value, "entry", value)})
        distinct = {str(v["value"]) for v in values}
        rows.append({"name": name, "label": field.verbose_name, "values": values, "differs": len(distinct) > 1})
    return rows


@crm_view(f"{CUSTOMER}.merge", methods=("GET", "POST"))
def merge_page(request):
    raw = request.POST.getlist("ids") or request.GET.getlist("ids")
    ids = list(dict.fromkeys(int(v) for value in raw for v in value.split(",") if v.strip().isdigit()))[:10]
    found = {
        c.pk: c
        for c in customer_queryset(request.user, action="merge")
        .filter(pk__in=ids)
        .select_related("manager", "level", "region", "source", "industry")
    }
    if len(ids) < 2 or set(ids) - set(found):
        raise NotFound()
    customers = [found[pk] for pk in ids]
    if request.method == "POST":
        target_id = request.POST.get("target", "")
        target = found.get(int(target_id)) if target_id.isdigit() else None
        if target is None:
            messages.error(request, _("Choose the customer to keep."))
        else:
            choices = {
                name: request.POST[f"f-{name}"] for name in CHOOSABLE if request.POST.get(f"f-{name}", "").isdigit()
            }
            try:
                merged = merge.customers_merge(
                    actor=request.user,
                    target=target,
                    others=[c for c in customers if c.pk != target.pk],
                    choices=choices,
                )
            except DomainError as exc:
                messages.error(
                    request,
                    exc.summary(),
                )
            else:
                messages.success(
                    request, _("Merged into %(name)s (%(number)s).") % {"name": merged.name, "number": merged.number}
                )
                return redirect("customers:detail", pk=merged.pk)
    return render(
        request,
        "customers/merge.html",
        {"customers": customers, "rows": _field_rows(customers), "ids": ",".join(map(str, ids))},
    )


@crm_view(f"{TRANSFER}.create", methods=("GET", "POST"))
def transfer_create(request):
    form = TransferRequestForm(request.POST or None, initial={"token": request.GET.get("token", "")})
    token = request.POST.get("token") or request.GET.get("token", "")
    customer = duplicate_service.customer_from_transfer_token(actor=request.user, token=token)

    def save():
        transfers.transfer_request_create(actor=request.user, customer=customer, reason=form.cleaned_data["reason"])

    owner = customer.manager
    return dialog(
        request,
        form=form,
        title=_("Ask for the customer"),
        intro=_("The customer belongs to %(owner)s. Their supervisor decides whether it becomes yours.")
        % {"owner": owner or _("the public pool")},
        save=save,
        success=_("Your request was sent to the owner's supervisor."),
        next_url=reverse("customers:transfers"),
        submit=_("Send request"),
    )


@crm_view(f"{TRANSFER}.view")
def transfer_list(request):
    """The requests the user may see (the API's rule): to decide, made by me, and others in scope."""
    boxes = {box: list(transfers_selector.transfer_list(user=request.user, box=box)[:100]) for box in BOXES}
    visible = transfers_selector.visible_customer_ids(request.user, [row for rows in boxes.values() for row in rows])
    context = {**boxes, "visible": visible, "decision_form": DecisionForm()}
    context["may_decide"] = access_for(request.user).can(f"{TRANSFER}.approve")
    return render(request, "customers/transfers.html", context)


@crm_view(f"{TRANSFER}.approve", methods=("POST",))
def transfer_decide(request, pk):
    request_row = transfers_selector.transfer_list(user=request.user).filter(pk=pk).first()
    if request_row is None:
        raise NotFound()
    form = DecisionForm(request.POST)
    form.is_valid()
    approve = request.POST.get("decision") == "approve"
    try:
        transfers.transfer_request_decide(
            actor=request.user, request=request_row, approve=approve, note=form.cleaned_data.get("note", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Approved: the customer was handed over.") if approve else _("Rejected."))
    return redirect("customers:transfers")
