"""The competitors API (API.md; CMP-1, CMP-2, CMP-3).

`/competitors/` lists, creates, reads, changes and deletes competitors; a competitor's products
and news live under it (`/competitors/{competitor_pk}/products/{id}/`, `…/news/{id}/`), so a
record asked for under another competitor does not exist (404). `/competitor-news/` is the
company-wide feed of the latest news. Reads go through the selectors, writes through the
services; writing a product or news is editing the competitor (`competitors.competitor.edit`).
"""

from collections.abc import Callable

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.permissions import SAFE_METHODS

from crm.competitors import selectors, services
from crm.competitors.api import serializers as s
from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct
from crm.competitors.permissions import COMPETITOR
from crm.core.api.viewsets import ERRORS, CrmModelViewSet, CrmViewSet
from crm.core.errors import NotFound

COMPETITOR_PK = OpenApiParameter("competitor_pk", OpenApiTypes.INT, OpenApiParameter.PATH, description="Competitor id.")


@extend_schema_view(
    list=extend_schema(summary="List competitors", parameters=[s.CompetitorFilterSerializer]),
    create=extend_schema(
        summary="Create a competitor",
        description="A name already taken (ignoring case, width and spaces) answers 409 `duplicate`.",
        responses={201: s.CompetitorSerializer, **ERRORS},
    ),
    retrieve=extend_schema(summary="Get a competitor"),
    update=extend_schema(summary="Replace a competitor's fields", responses={200: s.CompetitorSerializer, **ERRORS}),
    partial_update=extend_schema(summary="Change a competitor", responses={200: s.CompetitorSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete a competitor with its products and news"),
)
class CompetitorViewSet(CrmModelViewSet):
    """Competitors 竞争对手 (CMP-1): company-wide knowledge, no data scope."""

    resource = COMPETITOR
    serializer_class = s.CompetitorSerializer
    queryset = Competitor.objects.none()  # the schema's; the selectors read

    def get_queryset(self):
        filters = self.valid(s.CompetitorFilterSerializer, self.request.query_params) if self.action == "list" else {}
        return selectors.competitor_list(user=self.request.user, filters={**filters, "q": filters.get("search")})

    def get_object(self):
        return self._fresh(self.kwargs["pk"])

    def _fresh(self, pk) -> Competitor:
        """The competitor as the list shows it (product count, latest news), or NotFound."""
        try:
            return selectors.competitor_list(user=self.request.user).get(pk=pk)
        except (Competitor.DoesNotExist, ValueError, TypeError) as exc:
            raise NotFound() from exc

    def perform_create(self, serializer):
        competitor = services.competitor_create(actor=self.request.user, data=serializer.validated_data)
        serializer.instance = self._fresh(competitor.pk)

    def perform_update(self, serializer):
        services.competitor_update(
            actor=self.request.user, competitor=serializer.instance, data=serializer.validated_data
        )
        serializer.instance = self._fresh(serializer.instance.pk)

    def perform_destroy(self, instance):
        services.competitor_delete(actor=self.request.user, competitor=instance)


class CompetitorChildViewSet(CrmModelViewSet):
    # The records of one competitor (its products, its news), named by `record` (the services'
    # keyword) and read and written by the functions below.

    resource = COMPETITOR
    record: str
    read_all: Callable  # selector(user=, competitor=)
    read_one: Callable  # selector(user=, competitor=, pk=): NotFound for another competitor's record
    create_one: Callable  # service(actor=, competitor=, data=)
    update_one: Callable  # service(actor=, <record>=, data=)
    delete_one: Callable  # service(actor=, <record>=)

    @property
    def required_action(self):
        """Reading needs `view`; every write is editing the competitor."""
        request = getattr(self, "request", None)
        return None if request is None or request.method in SAFE_METHODS else "edit"

    def competitor(self) -> Competitor:
        if not hasattr(self, "_competitor"):
            self._competitor = selectors.competitor_get(user=self.request.user, pk=self.kwargs["competitor_pk"])
        return self._competitor

    def get_queryset(self):
        return self.read_all(user=self.request.user, competitor=self.competitor())

    def get_object(self):
        return self.read_one(user=self.request.user, competitor=self.competitor(), pk=self.kwargs["pk"])

    def _fresh(self, record):
        return self.read_one(user=self.request.user, competitor=self.competitor(), pk=record.pk)

    def perform_create(self, serializer):
        record = self.create_one(
            actor=self.request.user, competitor=self.competitor(), data=serializer.validated_data
        )
        serializer.instance = self._fresh(record)

    def perform_update(self, serializer):
        record = serializer.instance
        self.update_one(actor=self.request.user, **{self.record: record}, data=serializer.validated_data)
        serializer.instance = self._fresh(record)

    def perform_destroy(self, instance):
        self.delete_one(actor=self.request.user, **{self.record: instance})


def _child_schema(noun: str, plural: str, serializer):
    views = extend_schema_view(
        list=extend_schema(summary=f"A competitor's {plural}"),
        create=extend_schema(summary=f"Add {noun} to a competitor", responses={201: serializer, **ERRORS}),
        retrieve=extend_schema(summary=f"Get {noun} of a competitor"),
        update=extend_schema(summary=f"Replace {noun}", responses={200: serializer, **ERRORS}),
        partial_update=extend_schema(summary=f"Change {noun}", responses={200: serializer, **ERRORS}),
        destroy=extend_schema(summary=f"Delete {noun}"),
    )
    return lambda viewset: extend_schema(parameters=[COMPETITOR_PK])(views(viewset))


@_child_schema("a product", "products", s.ProductSerializer)
class CompetitorProductViewSet(CompetitorChildViewSet):
    """Products of a competitor (CMP-3): positioning, strengths and weaknesses."""

    serializer_class = s.ProductSerializer
    queryset = CompetitorProduct.objects.none()
    record = "product"
    read_all = staticmethod(selectors.product_list)
    read_one = staticmethod(selectors.product_get)
    create_one = staticmethod(services.product_create)
    update_one = staticmethod(services.product_update)
    delete_one = staticmethod(services.product_delete)


@_child_schema("news", "news (newest first)", s.NewsSerializer)
class CompetitorNewsViewSet(CompetitorChildViewSet):
    """News about a competitor 对手动态 (CMP-2), dated."""

    serializer_class = s.NewsSerializer
    queryset = CompetitorNews.objects.none()
    record = "news"
    read_all = staticmethod(selectors.news_list)
    read_one = staticmethod(selectors.news_get)
    create_one = staticmethod(services.news_create)
    update_one = staticmethod(services.news_update)
    delete_one = staticmethod(services.news_delete)


@extend_schema_view(list=extend_schema(summary="Latest competitor news", parameters=[s.NewsFilterSerializer]))
class LatestNewsViewSet(mixins.ListModelMixin, CrmViewSet):
    """The latest news about every competitor, newest first (CMP-2)."""

    resource = COMPETITOR
    serializer_class = s.NewsSerializer
    queryset = CompetitorNews.objects.none()

    def get_queryset(self):
        data = self.valid(s.NewsFilterSerializer, self.request.query_params)
        return selectors.latest_news(user=self.request.user, filters={**data, "q": data.get("search")})
