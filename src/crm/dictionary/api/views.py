"""REST API of the data dictionary (DICT-1, DICT-2); writes go through crm.dictionary.services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins

from crm.core.api.viewsets import FILTERS, CrmModelViewSet, CrmReadOnlyViewSet, CrmViewSet
from crm.dictionary import selectors, services
from crm.dictionary.api.serializers import DictionaryCategorySerializer, DictionaryItemSerializer, RegionSerializer
from crm.dictionary.models import DictionaryItem, Region


class DictionaryItemViewSet(CrmModelViewSet):
    """Picklist values. Locked items (editable=false) answer 409 to changes and deletion."""

    resource = "dictionary.item"
    serializer_class = DictionaryItemSerializer
    queryset = DictionaryItem.objects.none()  # for the schema; get_queryset is what counts
    filter_backends = FILTERS
    filterset_fields = ["category", "is_active", "editable"]
    search_fields = ["entry", "value"]
    ordering_fields = ["id", "category", "sort_order", "entry", "value"]
    # No default `ordering`: the selector's order (categories as registered, then sort order) stays.

    def get_queryset(self):
        return selectors.item_list(user=self.request.user)

    def perform_create(self, serializer):
        serializer.instance = services.item_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = services.item_update(
            actor=self.request.user, item=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        services.item_delete(actor=self.request.user, item=instance)


class DictionaryCategoryViewSet(mixins.ListModelMixin, CrmViewSet):
    """The registered categories with their number of items."""

    resource = "dictionary.item"
    serializer_class = DictionaryCategorySerializer

    @extend_schema(responses=DictionaryCategorySerializer(many=True))
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(selectors.category_summaries(user=request.user))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class RegionViewSet(CrmReadOnlyViewSet):
    """Provinces and cities (GB/T 2260 codes), readable by every user: ?level=, ?parent=."""

    serializer_class = RegionSerializer
    queryset = Region.objects.all()
    filter_backends = FILTERS
    lookup_value_regex = r"\d{6}"
    filterset_fields = ["level", "parent"]
    search_fields = ["name", "short_name", "code"]
    ordering_fields = ["code", "name"]
    ordering = ["code"]
