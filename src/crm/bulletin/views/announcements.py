"""Announcement pages 通知公告: the list of mine (unread marked), one announcement (opening it is
reading it), publish and change in the shared dialog, delete, and the publisher's receipts."""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.bulletin import permissions, selectors, services
from crm.bulletin.forms import AnnouncementForm
from crm.bulletin.permissions import ANNOUNCEMENT
from crm.core.errors import PermissionDenied
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import delete_flow, dialog

PAGE_SIZE = 20
RECEIPTS_PAGE_SIZE = 50


@crm_view(f"{ANNOUNCEMENT}.view")
def announcement_list(request):
    unread = request.GET.get("show") == "unread"
    queryset = selectors.announcement_list(user=request.user, unread_only=unread)
    page = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page, "unread": unread, "may_publish": permissions.may_publish(request.user)}
    return render(request, "bulletin/announcements.html", context)


def _form(request, *, initial=None):
    user = request.user
    return AnnouncementForm(
        request.POST or None,
        initial=initial,
        departments=selectors.departments_to_address(user),
        everyone=selectors.may_address_everyone(user),
    )


@crm_view(f"{ANNOUNCEMENT}.publish", methods=("GET", "POST"))
def announcement_create(request):
    form = _form(request)
    return dialog(
        request,
        form=form,
        title=_("New announcement"),
        submit=_("Publish"),
        save=lambda: services.announcement_publish(actor=request.user, data=form.service_data()),
        success=lambda item: _("Announcement %(title)s published.") % {"title": item.title},
        next_url=lambda item: reverse("bulletin:announcement", args=[item.pk]),
        leave=True,
    )


def _managed(request, pk):
    announcement = selectors.announcement_get(user=request.user, pk=pk)
    if not permissions.manages(request.user, announcement):
        raise PermissionDenied()
    return announcement


@crm_view(f"{ANNOUNCEMENT}.publish", methods=("GET", "POST"))
def announcement_edit(request, pk):
    announcement = _managed(request, pk)
    initial = {name: getattr(announcement, name) for name in services.ANNOUNCEMENT_FIELDS}
    initial["departments"] = selectors.audience_departments(announcement)
    form = _form(request, initial=initial)
    return dialog(
        request,
        form=form,
        title=_("Edit %(title)s") % {"title": announcement.title},
        save=lambda: services.announcement_update(actor=request.user, announcement=announcement,
                                                  data=form.service_data()),
        success=lambda item: _("Announcement %(title)s saved.") % {"title": item.title},
        next_url=lambda item: reverse("bulletin:announcement", args=[item.pk]),
        leave=True,
    )


@crm_view(f"{ANNOUNCEMENT}.view")
def announcement_detail(request, pk):
    announcement = selectors.announcement_get(user=request.user, pk=pk)
    services.announcement_read(user=request.user, announcement=announcement)
    manages = permissions.manages(request.user, announcement)
    context = {
        "announcement": announcement,
        "manages": manages,
        "departments": selectors.audience_departments(announcement),
        "receipts": selectors.receipts(announcement) if manages else None,
    }
    return render(request, "bulletin/announcement.html", context)


@crm_view(f"{ANNOUNCEMENT}.publish", methods=("POST",))
def announcement_delete(request, pk):
    announcement = _managed(request, pk)
    return delete_flow(
        request,
        delete=lambda: services.announcement_delete(actor=request.user, announcement=announcement),
        success=_("Announcement %(title)s deleted.") % {"title": announcement.title},
        done=reverse("bulletin:announcements"),
        refused=reverse("bulletin:announcement", args=[pk]),
    )


@crm_view(f"{ANNOUNCEMENT}.publish")
def announcement_receipts(request, pk):
    announcement = _managed(request, pk)
    counts = selectors.receipts(announcement)
    showing_read = request.GET.get("show") == "read"
    rows = selectors.read_users(announcement) if showing_read else counts["unread_users"]
    page = CappedPaginator(rows, RECEIPTS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"announcement": announcement, "counts": counts, "page_obj": page, "showing_read": showing_read}
    return render(request, "bulletin/receipts.html", context)
