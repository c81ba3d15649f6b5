"""The customers' settings in the API: tags (CUS-15), custom fields (CUS-14), public pools
(CUS-13), duplicate rules (CUS-8), and the saved list views (CUS-11). The function permissions of
their resource decide; they have no data scope."""

from django.db.models import Q
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins
from rest_framework.response import Response

from crm.access.engine import access_for
from crm.core.api.viewsets import ERRORS, FILTERS, CrmModelViewSet, CrmReadOnlyViewSet
from crm.core.errors import NotFound, PermissionDenied
from crm.customers.api.serializers import settings as s
from crm.customers.models import CustomField, DuplicateRule, Pool, SavedView, Tag
from crm.customers.permissions import CUSTOM_FIELD, CUSTOMER, DUPLICATE_RULE, POOL, TAG
from crm.customers.services import config, duplicates
from crm.customers.services import pool as pool_service


@extend_schema_view(
    list=extend_schema(summary="List customer tags"),
    create=extend_schema(summary="Create a tag", responses={201: s.TagSerializer, **ERRORS}),
)
class TagViewSet(CrmModelViewSet):
    """Tags on customers (CUS-15)."""

    resource = TAG
    serializer_class = s.TagSerializer
    queryset = Tag.objects.order_by("group", "sort_order", "name")
    filter_backends = FILTERS
    search_fields = ["name", "group"]
    ordering_fields = ["name", "group", "sort_order", "id"]
    filterset_fields = ["group"]

    def perform_create(self, serializer):
        serializer.instance = config.tag_create(actor=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = config.tag_update(
            actor=self.request.user, tag=serializer.instance, data=serializer.validated_data
        )

    def perform_destroy(self, instance):
        config.tag_delete(actor=self.request.user, tag=instance)


@extend_schema_view(
    list=extend_schema(summary="List custom fields"),
    create=extend_schema(summary="Define a custom field", responses={201: s.CustomFieldSerializer, **ERRORS}),
    partial_update=extend_schema(
        summary="Change a custom field",
        description="Key, record type and type stay as defined (409 frozen).",
        responses={200: s.CustomFieldSerializer, **ERRORS},
    ),
)
class CustomFieldViewSet(CrmModelViewSet):
    """Fields administrators add to customers and contacts (CUS-14); values go in `custom`."""

    resource = CUSTOM_FIELD
    serializer_class = s.CustomFieldSerializer
    queryset = CustomField.objects.order_by("resource", "sort_order", "id")
    filter_backends = FILTERS
    filterset_fields = ["resource", "is_active", "field_type"]
    search_fields = ["key", "label"]
    ordering_fields = ["resource", "sort_order", "id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = config.custom_field_create(actor=self.request.user, data=data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        config.custom_field_update(actor=self.request.user, definition=serializer.instance, data=data)

    def perform_destroy(self, instance):
        config.custom_field_delete(actor=self.request.user, definition=instance)


@extend_schema_view(
    list=extend_schema(summary="List public pools"),
    create=extend_schema(summary="Create a public pool", responses={201: s.PoolSerializer, **ERRORS}),
    destroy=extend_schema(summary="Delete an empty public pool", description="A pool holding customers: 409."),
)
class PoolViewSet(CrmModelViewSet):
    """Public pools and their rules (CUS-13)."""

    resource = POOL
    serializer_class = s.PoolSerializer
    queryset = Pool.objects.prefetch_related("departments").order_by("sort_order", "id")
    filter_backends = FILTERS
    filterset_fields = ["is_active", "is_default"]
    search_fields = ["name"]
    ordering_fields = ["sort_order", "name", "id"]

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        departments = data.pop("departments", None) or []
        pool = pool_service.pool_create(actor=self.request.user, data=data, departments=departments)
        serializer.instance = self.get_queryset().get(pk=pool.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        departments = data.pop("departments", None)
        pool_service.pool_update(actor=self.request.user, pool=serializer.instance, data=data, departments=departments)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        pool_service.pool_delete(actor=self.request.user, pool=instance)


@extend_schema_view(
    list=extend_schema(summary="List the duplicate rules"),
    retrieve=extend_schema(summary="Get a duplicate rule"),
    partial_update=extend_schema(
        summary="Set a duplicate rule's mode or threshold",
        description=(
            "mode: block, warn or off; threshold (similar names): 50–100. Similar names can only warn "
            "(409 invalid_mode)."
        ),
        responses={200: s.DuplicateRuleSerializer, **ERRORS},
    ),
)
class DuplicateRuleViewSet(mixins.UpdateModelMixin, CrmReadOnlyViewSet):
    """How each kind of match is treated by the duplicate check (CUS-8)."""

    resource = DUPLICATE_RULE
    serializer_class = s.DuplicateRuleSerializer
    lookup_field = "kind"
    lookup_value_regex = r"[a-z_]+"
    http_method_names = ["get", "patch", "head", "options"]
    queryset = DuplicateRule.objects.none()

    def get_queryset(self):
        return duplicates.duplicate_rules()

    def get_object(self):
        rule = next((r for r in duplicates.duplicate_rules() if r.kind == self.kwargs["kind"]), None)
        if rule is None:
            raise NotFound()
        return rule

    def partial_update(self, request, *args, **kwargs):
        rule = self.get_object()
        serializer = self.get_serializer(rule, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        changed = duplicates.duplicate_rule_set(
            actor=request.user, kind=rule.kind, mode=data.get("mode", rule.mode), threshold=data.get("threshold")
        )
        return Response(self.get_serializer(changed).data)


@extend_schema_view(
    list=extend_schema(summary="List my saved customer views (and the shared ones)"),
    create=extend_schema(summary="Save a customer view", responses={201: s.SavedViewSerializer, **ERRORS}),
)
class SavedViewViewSet(CrmModelViewSet):
    """The caller's saved list views; views shared with everyone are listed too, but only their
    owner changes them. Sharing a view with everyone needs "edit customers in any status"."""

    resource = CUSTOMER
    required_action = "view"
    serializer_class = s.SavedViewSerializer
    queryset = SavedView.objects.none()

    def get_queryset(self):
        user = self.request.user
        return SavedView.objects.filter(Q(owner=user) | Q(is_shared=True), resource=CUSTOMER).order_by("name", "id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        if data.get("is_shared") and not access_for(self.request.user).can(f"{CUSTOMER}.manage"):
            raise PermissionDenied()
        serializer.instance = config.saved_view_save(actor=self.request.user, data=data, view=serializer.instance)

    perform_update = perform_create  # with the view in serializer.instance

    def perform_destroy(self, instance):
        config.saved_view_delete(actor=self.request.user, view=instance)
