"""/api/v1/roles/ and /api/v1/functions/ (ORG-3..6)."""

from django.db import transaction
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from crm.access.api.serializers import FunctionResourceSerializer, RoleSerializer
from crm.access.selectors import function_catalogue, role_get, role_list_detailed
from crm.access.services import role_create, role_delete, role_set_policy, role_set_users


@extend_schema_view(
    list=extend_schema(summary="List roles"),
    retrieve=extend_schema(summary="Get a role"),
    create=extend_schema(summary="Create a role"),
    partial_update=extend_schema(summary="Change a role or replace parts of its policy"),
    destroy=extend_schema(summary="Delete a role (not built-in, without users)"),
)
class RoleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    resource = "access.role"
    serializer_class = RoleSerializer
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    search_fields = ["code", "name"]
    ordering_fields = ["id", "code", "name"]
    ordering = ["id"]
    filterset_fields = ["is_system", "default_scope"]

    def get_queryset(self):
        return role_list_detailed(user=self.request.user)

    def get_object(self):
        return role_get(user=self.request.user, pk=self.kwargs["pk"], detailed=True)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        details = serializer.details()
        with transaction.atomic():
            role = role_create(
                actor=request.user,
                code=details["code"],
                name=details["name"],
                description=details.get("description", ""),
                default_scope=details.get("default_scope", "self"),
                **serializer.policy(),
            )
            if "users" in serializer.validated_data:
                role_set_users(actor=request.user, role=role, users=serializer.validated_data["users"])
        role = role_get(user=request.user, pk=role.pk, detailed=True)
        return Response(self.get_serializer(role).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        role = self.get_object()
        serializer = self.get_serializer(role, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        with transaction.atomic():
            role_set_policy(actor=request.user, role=role, data=serializer.details(), **serializer.policy())
            if "users" in serializer.validated_data:
                role_set_users(actor=request.user, role=role, users=serializer.validated_data["users"])
        role = role_get(user=request.user, pk=role.pk, detailed=True)
        return Response(self.get_serializer(role).data)

    def destroy(self, request, *args, **kwargs):
        role_delete(actor=request.user, role=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)


class FunctionViewSet(viewsets.ViewSet):
    """Everything a role can be given: the registry of resources, actions and protected fields."""

    resource = "access.role"
    required_action = "view"
    serializer_class = FunctionResourceSerializer

    @extend_schema(summary="List function permissions", responses=FunctionResourceSerializer(many=True))
    def list(self, request):
        return Response(FunctionResourceSerializer(function_catalogue(), many=True).data)
