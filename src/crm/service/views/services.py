"""Service pages (s003/5 §3.3, SRV-1…SRV-5): create (then an empty form for the next one), the
lists to assign, to handle (assigned to me) and to give feedback on, the archive search, one
service with every round, and the assign, handle and feedback dialogs."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.charts.views import chart_panel
from crm.core.errors import DomainError
from crm.core.forms import errors_onto_form
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import dialog, safe_next
from crm.customers.selectors.customers import customer_get, customer_search
from crm.knowledge.selectors import suggest
from crm.service import selectors, services
from crm.service.deadlines import attach_time_left
from crm.service.forms import ArchiveFilterForm, AssignForm, FeedbackForm, HandleForm, ServiceForm
from crm.service.models import SERVICE_STATES, ServiceStatus
from crm.service.permissions import SERVICE

PAGE_SIZE = 20
PICKER_LIMIT = 20

# The list pages: title, icon, what they show, and the step each row offers.
PAGES = {
    "assign": {
        "title": gettext_lazy("Assign services"),
        "icon": "person-check",
        "intro": gettext_lazy("New services waiting to be assigned to one person."),
        "view": "new",
        "step": "assign",
    },
    "handle": {
        "title": gettext_lazy("Handle services"),
        "icon": "tools",
        "intro": gettext_lazy("The services assigned to you: record how each request was handled."),
        "view": "assigned",
        "mine": True,
        "step": "handle",
    },
    "feedback": {
        "title": gettext_lazy("Service feedback"),
        "icon": "chat-heart",
        "intro": gettext_lazy(
            "Handled services: ask the customer, record the result and the satisfaction. 3 or more archives the "
            "service; 1 or 2 sends it back to be handled again."
        ),
        "view": "handled",
        "step": "feedback",
    },
    "all": {"title": gettext_lazy("Customer services"), "icon": "headset", "intro": "", "view": "all", "step": ""},
}
STEP_LABELS = {
    "assign": pgettext_lazy("service", "Assign"),
    "handle": gettext_lazy("Handle"),
    "feedback": gettext_lazy("Feedback"),
}


def _page(request, *, key: str, filters: dict, form=None, template="service/list.html", extra=None):
    page = PAGES.get(key, {})
    breached = request.GET.get("breached") == "1" and key != "archive"
    queryset = selectors.service_list(user=request.user, filters={**filters, "breached": breached})
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    page_obj.object_list = attach_time_left(page_obj.object_list)
    context = {
        "page": page,
        "key": key,
        "step": page.get("step", ""),
        "step_label": STEP_LABELS.get(page.get("step", ""), ""),
        "form": form,
        "q": filters.get("q", ""),
        "breached": breached,
        "page_obj": page_obj,
        "services": page_obj.object_list,
        "may": access_for(request.user).abilities(SERVICE),
        "here": request.get_full_path(),
        **(extra or {}),
    }
    return render(request, template, context)


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:100]


@crm_view(f"{SERVICE}.view")
def service_list(request):
    """Every service in the user's scope, by status (not in the menu: the 360 page and the
    breadcrumbs link here)."""
    view = request.GET.get("view") or "all"
    if view not in selectors.VIEWS:
        view = "all"
    statuses = [(status.value, status.label) for status in ServiceStatus]
    # The reports' drill-down (客户服务分析) narrows to a type and a created date range.
    form = ArchiveFilterForm(request.GET or None)
    narrowed = {
        name: value
        for name, value in form.valid_filters().items()
        if name in ("type", "created_after", "created_before")
    }
    narrowed_type = form.cleaned_data.get("type") if narrowed.get("type") else None
    return _page(
        request,
        key="all",
        filters={"view": view, "q": _query(request), **narrowed},
        extra={
            "views": [*statuses, ("all", _("All"))], "view": view, "narrowed": narrowed, "narrowed_type": narrowed_type,
            "chart": chart_panel(request, "services"),
        },
    )


@crm_view(f"{SERVICE}.assign")
def assign_list(request):
    return _page(request, key="assign", filters={"view": "new", "q": _query(request)})


@crm_view(f"{SERVICE}.handle")
def handle_list(request):
    filters = {"view": "assigned", "mine": True, "q": _query(request), "order": "due"}  # the nearest deadline first
    return _page(request, key="handle", filters=filters)


@crm_view(f"{SERVICE}.feedback")
def feedback_list(request):
    return _page(request, key="feedback", filters={"view": "handled", "q": _query(request)})


@crm_view(f"{SERVICE}.view")
def archive(request):
    """服务归档 (SRV-5): archived services by customer, summary, type and created date."""
    form = ArchiveFilterForm(request.GET or None)
    filters = {"view": "archived", **form.valid_filters()}
    return _page(request, key="archive", filters=filters, form=form, template="service/archive.html")


# --- create (SRV-1) -----------------------------------------------------------------------------------------
@crm_view(f"{SERVICE}.create", methods=("GET", "POST"))
def service_create(request):
    """First the customer (searched by name, pinyin, phone …; or `?customer=` from the 360 page),
    then the form. Saved, the page shows an empty form for the next service (s003/5 §3.3.1.4)."""
    customer_id = request.GET.get("customer") or request.POST.get("customer")
    if not customer_id:
        query = _query(request)
        results = customer_search(user=request.user, query=query, limit=PICKER_LIMIT) if query else []
        return render(request, "service/pick_customer.html", {"q": query, "results": results, "searched": bool(query)})
    customer = customer_get(user=request.user, pk=customer_id)
    form = ServiceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service = services.service_create(actor=request.user, customer=customer, data=form.cleaned_data)
            except DomainError as exc:
                errors_onto_form(form, exc)
            else:
                messages.success(
                    request,
                    _("Saved: service %(number)s for %(customer)s. Enter the next one.")
                    % {"number": service.number, "customer": customer.name},
                )
                return redirect(reverse("service:create"))
        status = 400
    context = {"form": form, "customer": customer}
    return render(request, "service/create.html", context, status=status)


# --- one service ----------------------------------------------------------------------------------------------
@crm_view(f"{SERVICE}.view")
def service_detail(request, pk):
    service = selectors.service_get(user=request.user, pk=pk)
    attach_time_left([service])
    return render(request, "service/detail.html", _detail_context(request, service))


def _detail_context(request, service) -> dict:
    user = request.user
    allowed = set(SERVICE_STATES.actions(service.status))
    on_record = access_for(user).abilities(SERVICE, service)
    return {
        "service": service,
        "rounds": selectors.service_rounds(service=service),
        "may": {
            "assign": on_record["assign"] and bool(allowed & {"assign", "reassign"}),
            "handle": "handle" in allowed and on_record["handle"] and services.may_handle(user, service),
            "feedback": "archive" in allowed and on_record["feedback"],
        },
        "customer_visible": access_for(user).allows("customers.customer", "view", service.customer),
        "may_read_articles": access_for(user).can("knowledge.article.view"),
    }


def _done(request, service) -> str:
    return safe_next(request, reverse("service:detail", args=[service.pk]))


@crm_view(f"{SERVICE}.assign", methods=("GET", "POST"))
def service_assign(request, pk):
    service = selectors.service_get(user=request.user, pk=pk)
    users = services.assignable_users(request.user).select_related("department").order_by("department__path", "name")
    form = AssignForm(request.POST or None, users=users, initial={"assignee": service.assignee_id})
    return dialog(
        request,
        form=form,
        save=lambda: services.service_assign(
            actor=request.user, service=service, assignee=form.cleaned_data["assignee"]
        ),
        success=_("Assigned: %(number)s.") % {"number": service.number},
        next_url=_done(request, service),
        title=_("Assign service %(number)s") % {"number": service.number},
        intro=_("One service, one person; the time of the assignment is recorded and the person is told."),
        submit=pgettext("service", "Assign"),
        leave=True,
    )


@crm_view(f"{SERVICE}.handle", methods=("GET", "POST"))
def service_handle(request, pk):
    service = selectors.service_get(user=request.user, pk=pk)
    articles = suggest(f"{service.summary}\n{service.request}", 5, user=request.user)
    form = HandleForm(request.POST or None, articles=articles)
    return dialog(
        request,
        form=form,
        save=lambda: services.service_handle(
            actor=request.user,
            service=service,
            handling=form.cleaned_data["handling"],
            article=form.cleaned_data.get("article"),
        ),
        success=_("Handled: %(number)s.") % {"number": service.number},
        next_url=_done(request, service),
        title=_("Handle service %(number)s") % {"number": service.number},
        intro=f"{service.customer.name} · {service.summary}",
        submit=_("Save the handling"),
        leave=True,
    )


@crm_view(f"{SERVICE}.feedback", methods=("GET", "POST"))
def service_feedback(request, pk):
    service = selectors.service_get(user=request.user, pk=pk)
    form = FeedbackForm(request.POST or None)

    def success(updated):
        if updated.status == ServiceStatus.ARCHIVED:
            return _("Feedback saved: %(number)s is archived.") % {"number": updated.number}
        return _("Feedback saved: %(number)s goes back to %(name)s to be handled again.") % {
            "number": updated.number,
            "name": updated.assignee,
        }

    return dialog(
        request,
        form=form,
        save=lambda: services.service_feedback(
            actor=request.user,
            service=service,
            result=form.cleaned_data["result"],
            satisfaction=form.cleaned_data["satisfaction"],
        ),
        success=success,
        next_url=_done(request, service),
        title=_("Feedback on service %(number)s") % {"number": service.number},
        intro=_("Handling: %(handling)s") % {"handling": service.handling},
        submit=_("Save the feedback"),
        leave=True,
    )
