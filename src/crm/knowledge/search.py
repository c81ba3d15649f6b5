"""Knowledge articles in the top search box: by words of the title."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.core.extensions import SearchHit, SearchProvider, register_search
from crm.knowledge.permissions import ARTICLE
from crm.knowledge.selectors import article_search


def _search(user, query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(
            label=article.title,
            url=reverse("knowledge:detail", args=[article.pk]),
            kind=str(_("Knowledge article")),
            detail=article.get_status_display() if not article.is_published else (article.product or ""),
        )
        for article in article_search(user=user, query=query, limit=limit)
    ]


register_search(SearchProvider(key="knowledge", search=_search, permission=f"{ARTICLE}.view", order=60))
