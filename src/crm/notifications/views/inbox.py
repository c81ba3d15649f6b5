"""The notification centre (s002 消息中心): the inbox, marking read, opening a notification."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from crm.access.decorators import crm_view
from crm.core.htmx import is_htmx
from crm.notifications.models import is_local_link
from crm.notifications.selectors import notification_get, notification_list, unread_count
from crm.notifications.services import notification_mark_read

PAGE_SIZE = 20
SHOW_UNREAD = "unread"


@crm_view()
def inbox(request):
    show = SHOW_UNREAD if request.GET.get("show") == SHOW_UNREAD else "all"
    notifications = notification_list(user=request.user, unread_only=show == SHOW_UNREAD)
    page_obj = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {"page_obj": page_obj, "notifications": page_obj.object_list, "show": show, "next": request.get_full_path()},
    )


@crm_view(methods=("POST",))
def mark_read(request, pk: int):
    """Mark one read. With htmx the row is swapped (and the bell updated); without, back to the list."""
    notification = notification_get(user=request.user, pk=pk)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if is_htmx(request):
        notification.refresh_from_db(fields=["read_at"])
        return render(
            request,
            "notifications/partials/mark_read.html",
            {"notification": notification, "unread_now": unread_count(user=request.user)},
        )
    return redirect(_back(request))


@crm_view(methods=("POST",))
def mark_all_read(request):
    updated = notification_mark_read(user=request.user)
    if updated:
        messages.success(
            request,
            ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", updated)
            % {"count": updated},
        )
    return redirect(_back(request))


@crm_view(methods=("GET", "POST"))
def open_notification(request, pk: int):
    """Mark read and follow the link, but only to a path on this site: no open redirect."""
    notification = notification_get(user=request.user, pk=pk)
    notification_mark_read(user=request.user, notification_ids=[notification.pk])
    if is_local_link(notification.link):
        return redirect(notification.link)
    if notification.link:
        messages.warning(request, _("The link of this notification leads outside the system and was not opened."))
    return redirect("notifications:inbox")


def _back(request) -> str:
    """Where to go after a plain POST: the page the form came from, if it is on this site."""
    target = request.POST.get("next", "")
    return target if is_local_link(target) else reverse("notifications:inbox")
