"""Competitors in the top search box: by name, pinyin or initials."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from crm.competitors.permissions import COMPETITOR
from crm.competitors.selectors import competitor_search
from crm.core.extensions import SearchHit, SearchProvider, register_search


def _search(user, query: str, limit: int) -> list[SearchHit]:
    return [
        SearchHit(
            label=competitor.name,
            url=reverse("competitors:detail", args=[competitor.pk]),
            kind=str(_("Competitor")),
            detail=str(_("Threat: %(level)s") % {"level": competitor.get_threat_level_display()}),
        )
        for competitor in competitor_search(user=user, query=query, limit=limit)
    ]


register_search(SearchProvider(key="competitors", search=_search, permission=f"{COMPETITOR}.view", order=40))
