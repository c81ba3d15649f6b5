"""The customer list 一览表 (CUS-11): quick filters, user-defined conditions saved as named views,
column choice, sorting, paging with a bounded count, bulk actions and per-row actions."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.charts.selectors import PARAMETERS as CHART_PARAMETERS
from crm.charts.views import chart_panel
from crm.core.errors import DomainError
from crm.core.pagination import CappedPaginator, ListPaginator
from crm.customers import columns as column_specs
from crm.customers.conditions import OPERATORS, REF, TAGS, USER, field_specs
from crm.customers.forms import CustomerFilterForm, HandoverForm, ShareForm, operator_choices
from crm.customers.models import CustomerStatus, SavedView, Tag
from crm.customers.permissions import CUSTOMER, FOLLOWUP
from crm.customers.sections import row_actions
from crm.customers.selectors.customers import customer_list
from crm.customers.selectors.scope import assignable_managers
from crm.customers.services import config, customers, ownership
from crm.dictionary.models import Region
from crm.dictionary.selectors import choices as dictionary_choices
from crm.dictionary.selectors import provinces
from crm.identity.models import User

PAGE_SIZES = (20, 50, 100)
# The count stops at 1,000 (fast on a million rows); pages go on to row 10,000 (ADR 0012).
LIST_COUNT_CAP = ListPaginator.cap
LIST_REACH = ListPaginator.reach
VIEW_PARAMS_SKIP = {"page", "view", "csrfmiddlewaretoken"}


def _filters(request):
    form = CustomerFilterForm(request.GET or None, managers=assignable_managers(request.user))
    return form, form.filters()


def _saved_views(user):
    return SavedView.objects.filter(Q(owner=user) | Q(is_shared=True), resource=CUSTOMER).order_by("name")


@crm_view(f"{CUSTOMER}.view")
def customer_list_page(request):
    form, filters = _filters(request)
    access = access_for(request.user)
    hidden = access.concealed_fields(CUSTOMER)
    columns = column_specs.chosen_columns(column_specs.requested_columns(request.GET), access.hidden_fields(CUSTOMER))
    queryset = customer_list(user=request.user, filters=filters).prefetch_related("tags")
    try:
        page_size = int(request.GET.get("size", PAGE_SIZES[0]))
    except ValueError:
        page_size = PAGE_SIZES[0]
    page_size = page_size if page_size in PAGE_SIZES else PAGE_SIZES[0]
    page = CappedPaginator(queryset, page_size, cap=LIST_COUNT_CAP, reach=LIST_REACH).get_page(request.GET.get("page"))
    specs = field_specs()
    condition_rows = [_row(i, specs[c["field"]], c["op"], c["value"]) for i, c in enumerate(filters.conditions)]
    context = {
        "form": form,
        "page_obj": page,
        "customers": page.object_list,
        "columns": columns,
        "all_columns": column_specs.available_columns(access.hidden_fields(CUSTOMER)),
        "chosen_keys": [c.key for c in columns],
        "ordering": filters.ordering,
        "condition_rows": condition_rows,
        "condition_fields": [s for s in specs.values() if s.name not in hidden],
        "saved_views": _saved_views(request.user),
        "current_view": request.GET.get("view", ""),
        "page_sizes": PAGE_SIZES,
        "page_size": page_size,
        "tags": Tag.objects.all(),
        "row_actions": [a for a in row_actions() if not a.permission or access.can(a.permission)],
        "may": {**access.abilities(CUSTOMER), "followup": access.can(f"{FOLLOWUP}.create")},
        "status_choices": CustomerStatus,
        "resource": CUSTOMER,
        "query_string": request.GET.urlencode(),
        "export_url": f"{reverse('imports:export_new')}?type=customers&",
        "view_params": [(k, v) for k, values in request.GET.lists() if k not in ("page", "view") for v in values],
        "chart": chart_panel(request, "customers"),
    }
    return render(request, "customers/list.html", context)


def _value_choices(spec) -> list:
    """Choices for a condition's value: dictionary items, users, tags, regions, statuses."""
    if spec.choices:
        return list(spec.choices)
    if spec.kind == REF and spec.category:
        return [(str(pk), entry) for pk, entry in dictionary_choices(spec.category)]
    if spec.name == "province":
        return [(r.code, r.name) for r in provinces()]
    if spec.name == "city":
        return [(r.code, r.name) for r in Region.objects.filter(level="city").order_by("code")]
    if spec.kind == USER:
        return [(str(u.pk), str(u)) for u in User.objects.active().order_by("name")[:500]]
    if spec.kind == TAGS:
        return [(str(t.pk), t.name) for t in Tag.objects.all()]
    return []


def _row(index: int, spec, op: str, value) -> dict:
    return {
        "index": index,
        "field": spec.name,
        "op": op,
        "value": value,
        "ops": operator_choices(spec.kind),
        "spec": spec,
        "choices": _value_choices(spec),
    }


@crm_view(f"{CUSTOMER}.view")
def condition_row(request):
    """One more condition row for the builder (htmx), or the row again after its field changed."""
    specs = field_specs()
    access = access_for(request.user)
    hidden = access.concealed_fields(CUSTOMER)
    try:
        index = max(0, min(19, int(request.GET.get("index", "0"))))
    except ValueError:
        index = 0
    name = request.GET.get(f"c-field-{index}") or request.GET.get("field") or "name"
    spec = specs.get(name) or specs["name"]
    if spec.name in hidden:
        spec = specs["name"]
    op = request.GET.get(f"c-op-{index}") or OPERATORS[spec.kind][0]
    if op not in OPERATORS[spec.kind]:
        op = OPERATORS[spec.kind][0]
    row = _row(index, spec, op, request.GET.get(f"c-value-{index}", ""))
    return render(
        request,
        "customers/partials/condition_row.html",
        {"row": row, "condition_fields": [s for s in specs.values() if s.name not in hidden]},
    )


@crm_view(f"{CUSTOMER}.view", methods=("POST",))
def saved_view_save(request):
    params = {
        k: v
        for k, v in request.POST.items()
        if k not in VIEW_PARAMS_SKIP and k not in ("view_name", "is_shared", "col", *CHART_PARAMETERS) and v
    }
    chart = {k: v for k, v in request.POST.items() if k in CHART_PARAMETERS and v}
    if column_specs.requested_columns(request.POST):
        params["col"] = ",".join(column_specs.requested_columns(request.POST))
    form = CustomerFilterForm(request.POST, managers=assignable_managers(request.user))
    try:
        view = config.saved_view_save(
            actor=request.user,
            data={
                "name": request.POST.get("view_name", ""),
                "filters": params,
                "conditions": form.conditions(),
                "logic": request.POST.get("logic") or "and",
                "columns": column_specs.requested_columns(request.POST),
                "ordering": request.POST.get("ordering", ""),
                "chart": chart,
                "is_shared": bool(request.POST.get("is_shared")) and access_for(request.user).can(f"{CUSTOMER}.manage"),
            },
        )
    except DomainError as exc:
        messages.error(request, exc.summary())
        return redirect(f"{reverse('customers:list')}?{urlencode({**params, **chart})}")
    messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
    return redirect(_view_url(view))


@crm_view(f"{CUSTOMER}.view")
def saved_view_open(request, pk):
    view = _saved_views(request.user).filter(pk=pk).first()
    if view is None:
        return redirect("customers:list")
    return redirect(_view_url(view))


def _view_url(view: SavedView) -> str:
    """The list as the view keeps it: its filters, and its chart when it has one."""
    return f"{reverse('customers:list')}?{urlencode({**view.filters, **view.chart, 'view': view.pk})}"


@crm_view(f"{CUSTOMER}.view", methods=("POST",))
def saved_view_delete(request, pk):
    view = SavedView.objects.filter(pk=pk, owner=request.user).first()
    if view is not None:
        config.saved_view_delete(actor=request.user, view=view)
        messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("customers:list")


@crm_view(f"{CUSTOMER}.view")
def bulk_form(request, action):
    """The fields of a bulk action, loaded when the user opens it (a select of every colleague
    would otherwise be rendered with every list page)."""
    access = access_for(request.user)
    if action == "share" and access.can(f"{CUSTOMER}.share"):
        form = ShareForm()
    elif action == "handover" and access.can(f"{CUSTOMER}.handover"):
        form = HandoverForm(managers=assignable_managers(request.user))
    else:
        raise PermissionDenied
    return render(request, "customers/partials/bulk_form.html", {"form": form, "action": action})


@crm_view(f"{CUSTOMER}.view", methods=("POST",))
def customer_bulk(request):
    """Bulk actions on the ticked rows: tag, share, hand over."""
    back = request.POST.get("next") or reverse("customers:list")
    if not back.startswith("/"):
        back = reverse("customers:list")
    ids = [int(v) for v in request.POST.getlist("ids") if v.isdigit()][:1000]
    action = request.POST.get("action", "")
    if not ids:
        messages.warning(request, _("Tick the customers first."))
        return redirect(back)
    selected = customer_list(user=request.user).filter(pk__in=ids)
    try:
        if action == "tag":
            tag = Tag.objects.filter(pk=request.POST.get("tag") or 0).first()
            if tag is None:
                messages.warning(request, _("Choose a tag."))
                return redirect(back)
            count = customers.customers_tag(actor=request.user, customers=list(selected), add=[tag])
            messages.success(request, _("Tagged %(count)d customers “%(tag)s”.") % {"count": count, "tag": tag.name})
        elif action == "untag":
            tag = Tag.objects.filter(pk=request.POST.get("tag") or 0).first()
            if tag is not None:
                count = customers.customers_tag(actor=request.user, customers=list(selected), remove=[tag])
                messages.success(
                    request, _("Removed “%(tag)s” from %(count)d customers.") % {"count": count, "tag": tag.name}
                )
        elif action == "share":
            form = ShareForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Choose whom to share with."))
                return redirect(back)
            shared = 0
            for customer in selected:
                ownership.customer_share(
                    actor=request.user,
                    customer=customer,
                    users=list(form.cleaned_data["users"]),
                    can_edit=form.cleaned_data["can_edit"],
                )
                shared += 1
            messages.success(request, _("Shared %(count)d customers.") % {"count": shared})
        elif action == "handover":
            form = HandoverForm(request.POST, managers=assignable_managers(request.user))
            if not form.is_valid():
                messages.error(request, _("Choose the new account manager."))
                return redirect(back)
            count = ownership.customers_handover(
                actor=request.user,
                customers=list(selected),
                to_manager=form.cleaned_data["manager"],
                note=form.cleaned_data["note"],
            )
            messages.success(
                request,
                _("Handed %(count)d customers over to %(name)s.")
                % {"count": count, "name": form.cleaned_data["manager"]},
            )
        else:
            messages.warning(request, _("Unknown action."))
    except DomainError as exc:
        messages.error(
            request, exc.summary()
        )
    return redirect(back)
