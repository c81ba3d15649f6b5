"""客户流失管理 pages (s003/5 §3.2.2, CHURN-1…3): the warnings by tab (active, confirmed, closed)
with filters and sortable columns, one warning with its customer, last order and measures, and
the dialogs to add a suspension measure (暂缓流失) and to confirm the churn (确认流失)."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.churn import selectors, services
from crm.churn.forms import ConfirmForm, FilterForm, MeasureForm
from crm.churn.models import WARNING_STATES, WarningState
from crm.churn.permissions import WARNING
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import dialog, safe_next
from crm.identity.models import User

PAGE_SIZE = 20
TABS = [
    ("active", pgettext_lazy("churn warnings", "Active")),
    ("confirmed", pgettext_lazy("churn warnings", "Confirmed")),
    ("closed", pgettext_lazy("churn warnings", "Ordered again")),
]
# The sortable columns: (key, label); the list's ?ordering= takes the key or "-" and the key.
SORTABLE = {
    "created_at": gettext_lazy("Warned at"),
    "last_order_on": gettext_lazy("Last order"),
    "p_alive": gettext_lazy("Still active"),
}


def _managers(user):
    users = User.objects.filter(is_active=True).order_by("name", "id")
    return access_for(user).users_in_scope("customers.customer", users)


@crm_view(f"{WARNING}.view")
def warning_list(request):
    tab = request.GET.get("tab") or "active"
    if tab not in selectors.TABS:
        tab = "active"
    ordering = request.GET.get("ordering") or selectors.DEFAULT_ORDERING
    if ordering not in selectors.ORDERINGS:
        ordering = selectors.DEFAULT_ORDERING
    form = FilterForm(request.GET or None, managers=_managers(request.user))
    filters = {"tab": tab, "ordering": ordering, **form.valid_filters()}
    queryset = selectors.warning_list(user=request.user, filters=filters)
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = selectors.attach_figures(page_obj.object_list)
    columns = [
        {"key": key, "label": label, "up": ordering == key, "down": ordering == f"-{key}"}
        for key, label in SORTABLE.items()
    ]
    context = {
        "tab": tab,
        "tabs": TABS,
        "form": form,
        "ordering": ordering,
        "columns": {column["key"]: column for column in columns},
        "page_obj": page_obj,
        "warnings": page_obj.object_list,
        "filtered": any(request.GET.get(name) for name in ("customer_name", "manager", "alive_below")),
    }
    return render(request, "churn/list.html", context)


@crm_view(f"{WARNING}.view")
def warning_detail(request, pk):
    warning = selectors.warning_get(user=request.user, pk=pk)
    measures = selectors.warning_measures(warning=warning)
    access = access_for(request.user)
    on_record = access.abilities(WARNING, warning)
    allowed = set(WARNING_STATES.actions(warning.state))
    context = {
        "warning": warning,
        "customer": warning.customer,
        "measures": measures,
        "last_order": selectors.last_order(user=request.user, customer=warning.customer),
        "may": {
            "suspend": on_record["suspend"] and "suspend" in allowed,
            "confirm": on_record["confirm"] and warning.active,
            "confirm_ready": "confirm" in allowed,
        },
        "customer_visible": access.allows("customers.customer", "view", warning.customer),
    }
    return render(request, "churn/detail.html", context)


def _done(request, warning) -> str:
    return safe_next(request, reverse("churn:detail", args=[warning.pk]))


@crm_view(f"{WARNING}.suspend", methods=("GET", "POST"))
def measure_add(request, pk):
    warning = selectors.warning_get(user=request.user, pk=pk)
    form = MeasureForm(request.POST or None)
    first = warning.state == WarningState.OPEN
    return dialog(
        request,
        form=form,
        save=lambda: services.measure_add(actor=request.user, warning=warning, text=form.cleaned_data["text"]),
        success=_("Measure saved: the churn of %(customer)s is suspended.") % {"customer": warning.customer.name},
        next_url=_done(request, warning),
        title=_("Suspend the churn: %(customer)s") % {"customer": warning.customer.name},
        intro=(
            _("The first measure suspends the churn; measures can be added again and again.")
            if first
            else _("Add another measure; the earlier ones are kept.")
        ),
        submit=_("Save the measure"),
        leave=True,
    )


@crm_view(f"{WARNING}.confirm", methods=("GET", "POST"))
def warning_confirm(request, pk):
    warning = selectors.warning_get(user=request.user, pk=pk)
    form = ConfirmForm(request.POST or None)
    return dialog(
        request,
        form=form,
        save=lambda: services.warning_confirm(
            actor=request.user, warning=warning, reason=form.cleaned_data["reason"]
        ),
        success=_("Churn confirmed: %(customer)s is lost.") % {"customer": warning.customer.name},
        next_url=_done(request, warning),
        title=_("Confirm the churn: %(customer)s") % {"customer": warning.customer.name},
        intro=_("Only when the customer will certainly not buy again. This cannot be undone here; an order "
                "coming in later brings the customer back to normal."),
        submit=_("Confirm the churn"),
        leave=True,
    )
