"""What every page's layout needs: the system name, the menu, the unread notification count."""

from crm.console.menu import menu_for
from crm.core.selectors import system_settings
from crm.notifications.selectors import unread_count


def shell(request) -> dict:
    context = {"system": system_settings()}
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        context["menu"] = menu_for(user)
        context["unread_notifications"] = unread_count(user=user)
    return context
