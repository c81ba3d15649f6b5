"""The sidebar for one user: the entries apps registered (crm.core.navigation) that the user may use."""

from django.urls import reverse

from crm.access.engine import access_for
from crm.core.navigation import sections


def menu_for(user) -> list[dict]:
    """The sections and entries this user may use, in order, with resolved URLs."""
    access = access_for(user)
    result = []
    for section in sections():
        items = [
            {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "url_name": item.url_name}
            for item in section.items
            if item.permission is None or access.can(item.permission)
        ]
        if items:
            result.append({"key": section.key, "label": section.label, "items": items})
    return result
