"""/api/v1/roles/ and /api/v1/functions/ (ORG-3..6)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.response import Response

from crm.access.api.serializers import FunctionResourceSerializer, RoleSerializer
from crm.access.selectors import function_catalogue, role_get, role_list_detailed
from crm.access.services import role_create, role_delete, role_set_policy, role_set_users
from crm.core.api.viewsets import FILTERS, CrmModelViewSet, CrmViewSet


@extend_schema_view(
    list=extend_schema(summary="List roles"),
    retrieve=extend_schema(summary="Get a role"),
    create=extend_schema(summary="Create a role"),
    partial_update=extend_schema(summary="Change a role or replace parts of its policy"),
    destroy=extend_schema(summary="Delete a role (not built-in, without users)"),
)
class RoleViewSet(CrmModelViewSet):
    resource = "access.role"
    serializer_class = RoleSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    filter_backends = FILTERS
    search_fields = ["code", "name"]
    ordering_fields = ["id", "code", "name"]
    ordering = ["id"]
    filterset_fields = ["is_system", "default_scope"]

    def get_queryset(self):
        return role_list_detailed(user=self.request.user)

    def get_object(self):
        return role_get(user=self.request.user, pk=self.kwargs["pk"], detailed=True)

    @transaction.atomic
    def perform_create(self, serializer):
        details = serializer.details()
        role = role_create(
            actor=self.request.user,
            code=details["code"],
            name=details["name"],
            description=details.get("description", ""),
            default_scope=details.get("default_scope", "self"),
            **serializer.policy(),
        )
        self._saved(serializer, role)

    @transaction.atomic
    def perform_update(self, serializer):
        role = serializer.instance
        role_set_policy(actor=self.request.user, role=role, data=serializer.details(), **serializer.policy())
        self._saved(serializer, role)

    def _saved(self, serializer, role) -> None:
        if "users" in serializer.validated_data:
            role_set_users(actor=self.request.user, role=role, users=serializer.validated_data["users"])
        serializer.instance = role_get(user=self.request.user, pk=role.pk, detailed=True)

    def perform_destroy(self, instance):
        role_delete(actor=self.request.user, role=instance)


class FunctionViewSet(CrmViewSet):
    """Everything a role can be given: the registry of resources, actions and protected fields."""

    resource = "access.role"
    required_action = "view"
    serializer_class = FunctionResourceSerializer
    pagination_class = None

    @extend_schema(summary="List function permissions", responses=FunctionResourceSerializer(many=True))
    def list(self, request):
        return Response(FunctionResourceSerializer(function_catalogue(), many=True).data)
