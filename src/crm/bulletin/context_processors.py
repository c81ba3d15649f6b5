"""The banner of unread announcements on every page (selectors.unread_banner: cached per user,
one indexed query when not). The base template shows whatever `page_banners` holds, each entry a
template and its banner, so `core` names no app above it."""

from crm.access.engine import access_for
from crm.bulletin.permissions import ANNOUNCEMENT
from crm.bulletin.selectors import unread_banner


def banner(request) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or request.headers.get("HX-Request"):
        return {}
    if not access_for(user).can(f"{ANNOUNCEMENT}.view"):
        return {}
    found = unread_banner(user)
    if not found["items"]:
        return {}
    return {"page_banners": [{"template": "bulletin/partials/banner.html", "banner": found}]}
