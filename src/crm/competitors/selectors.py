"""Every read of competitors, their products and news. Competitors have no data scope: the
function `competitors.competitor.view` shows all of them, its absence none. Products and news are
read through their competitor, so one asked for under another competitor does not exist (404)."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from crm.access.engine import access_for
from crm.competitors import keys
from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct
from crm.competitors.permissions import COMPETITOR
from crm.core.errors import NotFound


def competitor_queryset(user) -> QuerySet:
    return access_for(user).scoped(COMPETITOR, Competitor.objects.all())


def _matching(query: str) -> Q | None:
    """Characters of the name, its pinyin or initials (华为, huawei, hw), however spaced or cased."""
    folded = keys.fold(query)
    return Q(search_text__contains=folded) if folded else None


def competitor_list(*, user, filters: dict | None = None) -> QuerySet:
    """Competitors with their product count and latest news date; filters q and threat_level."""
    filters = filters or {}
    queryset = competitor_queryset(user)
    condition = _matching(filters.get("q") or "")
    if condition is not None:
        queryset = queryset.filter(condition)
    if filters.get("threat_level"):
        queryset = queryset.filter(threat_level=filters["threat_level"])
    products = (
        CompetitorProduct.objects.filter(competitor=OuterRef("pk"))
        .order_by()
        .values("competitor")
        .annotate(count=Count("pk"))
        .values("count")
    )
    latest = CompetitorNews.objects.filter(competitor=OuterRef("pk")).order_by("-date", "-id").values("date")[:1]
    return queryset.annotate(
        product_count=Coalesce(Subquery(products, output_field=IntegerField()), 0),
        latest_news_on=Subquery(latest),
    ).order_by("-updated_at", "-id")


def competitor_get(*, user, pk) -> Competitor:
    return access_for(user).get(COMPETITOR, pk, queryset=Competitor.objects.select_related("created_by"))


def competitor_search(*, user, query: str, limit: int) -> list[Competitor]:
    condition = _matching(query)
    if condition is None:
        return []
    return list(competitor_queryset(user).filter(condition).order_by("-updated_at", "-id")[:limit])


def competitor_choices(user) -> list[tuple[int, str]]:
    """(id, name) of every competitor the user may see, for pickers in other apps (opportunities)."""
    return list(competitor_queryset(user).order_by("name", "id").values_list("pk", "name"))


# --- products and news ------------------------------------------------------------------------------------------
def _of(user, model, competitor: Competitor) -> QuerySet:
    if not access_for(user).can(f"{COMPETITOR}.view"):
        return model.objects.none()
    return model.objects.filter(competitor=competitor)


def _one(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def product_list(*, user, competitor: Competitor) -> QuerySet:
    return _of(user, CompetitorProduct, competitor).order_by("name", "id")


def product_get(*, user, competitor: Competitor, pk) -> CompetitorProduct:
    return _one(_of(user, CompetitorProduct, competitor).select_related("competitor"), pk)


def news_list(*, user, competitor: Competitor) -> QuerySet:
    return _of(user, CompetitorNews, competitor).order_by("-date", "-id")


def news_get(*, user, competitor: Competitor, pk) -> CompetitorNews:
    return _one(_of(user, CompetitorNews, competitor).select_related("competitor"), pk)


def latest_news(*, user, filters: dict | None = None) -> QuerySet:
    """News of every competitor, newest first; filters q (title or competitor) and competitor (id)."""
    filters = filters or {}
    queryset = CompetitorNews.objects.filter(competitor__in=competitor_queryset(user).values("pk"))
    query = (filters.get("q") or "").strip()
    if query:
        condition = Q(title__icontains=query)
        names = _matching(query)
        if names is not None:
            condition |= Q(competitor__in=Competitor.objects.filter(names).values("pk"))
        queryset = queryset.filter(condition)
    if filters.get("competitor"):
        queryset = queryset.filter(competitor_id=filters["competitor"])
    return queryset.select_related("competitor").order_by("-date", "-id")
