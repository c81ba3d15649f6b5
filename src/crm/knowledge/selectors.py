"""Every read of knowledge articles, scoped: the function `knowledge.article.view` shows the
published articles and one's own drafts; `edit` or `publish` every draft too. Out of sight is
not found (404).

`suggest(text)` is the knowledge base's answer to other apps: the published articles that best
match a free text (the service app sends a service's summary and request).
"""

from collections import Counter

from django.db.models import Q, QuerySet

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.knowledge import index, permissions, tokens
from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.permissions import ARTICLE

TAG_SAMPLE = 1000  # the most recent articles whose tags make the filter's choices


def article_queryset(user) -> QuerySet:
    queryset = access_for(user).scoped(ARTICLE, Article.objects.all())
    if not permissions.sees_drafts(user):
        queryset = queryset.filter(Q(status=ArticleStatus.PUBLISHED) | Q(author_id=user.pk))
    return queryset


def _ranked(queryset: QuerySet, terms: list[str], *, every: bool = True) -> QuerySet:
    """Matches of `terms`, title matches first, then by rank, then the newest."""
    search = index.Search(terms, every=every)
    return (
        queryset.filter(search.matches())
        .annotate(title_hit=search.title_matches(), rank=search.rank())
        .order_by("-title_hit", "-rank", "-updated_at", "-id")
    )


def article_list(*, user, filters: dict | None = None) -> QuerySet:
    """Articles the user may read; filters `q` (full text, all words), `tag`, `status`.
    A query with nothing searchable in it (only punctuation or question words) matches nothing."""
    filters = filters or {}
    queryset = article_queryset(user).select_related("author")
    if filters.get("tag"):
        queryset = queryset.tagged(filters["tag"])
    if filters.get("status"):
        queryset = queryset.filter(status=filters["status"])
    query = (filters.get("q") or "").strip()
    if query:
        terms = tokens.query_terms(query)
        return _ranked(queryset, terms) if terms else queryset.none()
    return queryset.order_by("-updated_at", "-id")


def article_made_from(service_id: int) -> Article | None:
    """The article an archived service was turned into, if any (one per service)."""
    return Article.objects.filter(source_service_id=service_id).order_by("id").first()


def public_articles(query: str = "") -> QuerySet:
    """The articles published for customers (the self-service portal, SRV-8): published and
    marked public; with `query`, matched and ranked like the staff's search."""
    queryset = Article.objects.published().filter(is_public=True)
    query = (query or "").strip()
    if query:
        terms = tokens.query_terms(query)
        return _ranked(queryset, terms) if terms else queryset.none()
    return queryset.order_by("-updated_at", "-id")


def public_article_get(pk) -> Article:
    article = public_articles().filter(pk=pk).first()
    if article is None:
        raise NotFound()
    return article


def article_get(*, user, pk) -> Article:
    return access_for(user).get(ARTICLE, pk, queryset=article_queryset(user).select_related("author"))


def article_search(*, user, query: str, limit: int) -> list[Article]:
    """The top search box: articles whose title has every word of the query."""
    terms = tokens.query_terms(query)
    if not terms:
        return []
    search = index.Search(terms)
    queryset = article_queryset(user).filter(Q(search.title_matches()))
    return list(queryset.annotate(rank=search.rank()).order_by("-rank", "-updated_at", "-id")[:limit])


def suggest(text: str, limit: int = 5, *, user=None) -> list[Article]:
    """The published articles that best match a free text: any of its words, title matches
    first. With `user`, nothing for a user who may not read articles."""
    if user is not None and not access_for(user).can(f"{ARTICLE}.view"):
        return []
    terms = tokens.suggestion_terms(text)
    if not terms:
        return []
    return list(_ranked(Article.objects.published(), terms, every=False)[: max(0, min(limit, 20))])


def tag_choices(*, user) -> list[str]:
    """Tags of the articles the user may read, the most used first."""
    recent = article_queryset(user).exclude(tags="").order_by("-updated_at").values_list("tags", flat=True)
    counts = Counter(tag for value in recent[:TAG_SAMPLE] for tag in tokens.split_tags(value))
    return [tag for tag, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def search_terms(query: str) -> list[str]:
    """The words a query searched for, to mark them in what is shown."""
    return tokens.query_terms(query)
