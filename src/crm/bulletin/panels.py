"""The workbench panel 通知公告 (the latest announcements addressed to me, unread marked) and the
top search's hits in announcements and know-how posts."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.bulletin.permissions import ANNOUNCEMENT, POST
from crm.bulletin.selectors import announcement_list, search_announcements, search_posts
from crm.core.extensions import SearchHit, SearchProvider, WorkbenchPanel, register_panel, register_search

PANEL_SIZE = 5


def _latest(user):
    return {"announcements": list(announcement_list(user=user)[:PANEL_SIZE])}


def _search_announcements(user, query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(label=item.title, url=reverse("bulletin:announcement", args=[item.pk]), kind=str(_("Announcement")),
                  detail=timezone.localtime(item.publish_at).strftime("%Y-%m-%d"))
        for item in search_announcements(user=user, query=query, limit=limit)
    ]


def _search_posts(user, query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(label=post.title, url=reverse("bulletin:post", args=[post.pk]), kind=str(_("Know-how")),
                  detail=" ".join(post.tag_list))
        for post in search_posts(user=user, query=query, limit=limit)
    ]


register_panel(WorkbenchPanel(key="bulletin.announcements", template="bulletin/partials/panel.html", context=_latest,
                              permission=f"{ANNOUNCEMENT}.view", order=5))
register_search(SearchProvider(key="bulletin.announcements", search=_search_announcements,
                               permission=f"{ANNOUNCEMENT}.view", order=70))
register_search(SearchProvider(key="bulletin.posts", search=_search_posts, permission=f"{POST}.view", order=71))
