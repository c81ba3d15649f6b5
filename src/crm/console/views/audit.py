"""The audit log pages (ORG-8): a filterable list and one event. Read-only: there is nothing to edit."""

from django.shortcuts import render

from crm.access.decorators import crm_view
from crm.console.forms import CATEGORY_CHOICES, AuditFilterForm
from crm.console.selectors import (
    CappedPaginator,
    audit_event_get,
    audit_event_list,
    audit_record_types,
    audit_user_choices,
)

PAGE_SIZE = 50


@crm_view("audit.event.view")
def event_list(request):
    form = AuditFilterForm(request.GET or None, users=audit_user_choices(), record_types=audit_record_types())
    filters = form.filters() if request.GET else {}
    events = audit_event_list(user=request.user, filters=filters)
    paginator = CappedPaginator(events, PAGE_SIZE)
    page_obj = paginator.get_page(request.GET.get("page"))
    category = filters.get("category", "")
    tabs = [{"key": key, "label": label, "active": key == category} for key, label in CATEGORY_CHOICES]
    return render(
        request,
        "audit/event_list.html",
        {
            "form": form,
            "page_obj": page_obj,
            "events": page_obj.object_list,
            "tabs": tabs,
            "category": category,
            "filtered": any(key != "category" for key in filters),
        },
    )


@crm_view("audit.event.view")
def event_detail(request, pk: int):
    event = audit_event_get(user=request.user, pk=pk)
    return render(request, "audit/event_detail.html", {"event": event})
