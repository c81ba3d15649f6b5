"""The knowledge-base API (API.md; SRV-7): `/knowledge-articles/` lists (with `?search=`, full
text in Chinese and English, best matches first), creates drafts, reads, changes and deletes
articles; `…/{id}/publish/` and `…/{id}/unpublish/` change the status. Reads go through the
selectors, writes through the services, which decide whether the caller may change this article
(its author a draft, an editor any)."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from crm.core.api.viewsets import ERRORS, CrmModelViewSet
from crm.knowledge import selectors, services
from crm.knowledge.api import serializers as s
from crm.knowledge.models import Article
from crm.knowledge.permissions import ARTICLE


@extend_schema_view(
    list=extend_schema(
        summary="List or search knowledge articles",
        description="With `search`, the articles matching every word, title matches first, then by relevance.",
        parameters=[s.ArticleFilterSerializer],
    ),
    create=extend_schema(summary="Write a draft article", responses={201: s.ArticleSerializer, **ERRORS}),
    retrieve=extend_schema(summary="Get an article"),
    update=extend_schema(summary="Replace an article's fields", responses={200: s.ArticleSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change an article", responses={200: s.ArticleSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete an article", responses={204: None, **ERRORS}),
)
class ArticleViewSet(CrmModelViewSet):
    """Knowledge articles 知识库 (SRV-7)."""

    resource = ARTICLE
    serializer_class = s.ArticleSerializer
    queryset = Article.objects.none()  # the schema's; the selectors read

    @property
    def required_action(self):
        """Changing and deleting: the services decide (an author may change its own draft)."""
        if getattr(self, "action", None) in ("update", "partial_update", "destroy"):
            return "view"
        return {"publish": "publish", "unpublish": "publish"}.get(getattr(self, "action", None))

    def get_queryset(self):
        filters = self.valid(s.ArticleFilterSerializer, self.request.query_params) if self.action == "list" else {}
        return selectors.article_list(user=self.request.user, filters={**filters, "q": filters.get("search")})

    def get_object(self):
        return selectors.article_get(user=self.request.user, pk=self.kwargs["pk"])

    def _fresh(self, article) -> Article:
        return selectors.article_get(user=self.request.user, pk=article.pk)

    def perform_create(self, serializer):
        article = services.article_create(actor=self.request.user, data=serializer.validated_data)
        serializer.instance = self._fresh(article)

    def perform_update(self, serializer):
        services.article_update(actor=self.request.user, article=serializer.instance, data=serializer.validated_data)
        serializer.instance = self._fresh(serializer.instance)

    def perform_destroy(self, instance):
        services.article_delete(actor=self.request.user, article=instance)

    @extend_schema(
        summary="Publish an article",
        description="A published article answers 409.",
        request=None,
        responses={200: s.ArticleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        article = services.article_publish(actor=request.user, article=self.get_object())
        return Response(self.get_serializer(self._fresh(article)).data)

    @extend_schema(
        summary="Make an article a draft again",
        description="A draft answers 409.",
        request=None,
        responses={200: s.ArticleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def unpublish(self, request, pk=None):
        article = services.article_unpublish(actor=request.user, article=self.get_object())
        return Response(self.get_serializer(self._fresh(article)).data)
