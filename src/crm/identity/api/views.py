"""The organisation API: tokens, the caller, users and departments (API.md, ORG-1, ORG-2, ORG-7)."""

from django.conf import settings
from django.contrib.auth import user_logged_in
from django.db.models import Count
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle
from rest_framework.views import APIView

from crm.access import registry
from crm.access.engine import access_for
from crm.core.api.errors import error_body
from crm.core.api.viewsets import FILTERS, CrmModelViewSet, CrmReadOnlyViewSet
from crm.core.errors import ValidationFailed
from crm.identity import lockout, selectors, services
from crm.identity.api.authentication import TokenAuthentication
from crm.identity.api.serializers import (
    DepartmentSerializer,
    DepartResultSerializer,
    DepartSerializer,
    MeSerializer,
    TokenRequestSerializer,
    TokenSerializer,
    UserSerializer,
)
from crm.identity.models import Department, User, UserStatus
from crm.identity.tokens import token_issue, token_revoke


# --- tokens and the caller --------------------------------------------------------------------------------
class TokenView(APIView):
    """POST: a new token for a username and password. DELETE: revoke the token in use."""

    authentication_classes = [TokenAuthentication]
    throttle_scope = "token"

    def get_permissions(self):
        if self.request.method == "POST":
            return [AllowAny()]
        return [IsAuthenticated()]

    def get_throttles(self):
        if self.request.method == "POST":
            return [ScopedRateThrottle()]
        return []

    @extend_schema(
        operation_id="auth_token_create",
        description=_("A new API token for a username and password; send it as `Authorization: Token <token>`."),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: OpenApiResponse(description=_("Wrong username or password, or the account is disabled.")),
            429: OpenApiResponse(description=_("Too many attempts.")),
        },
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        username = serializer.validated_data["username"]
        password = serializer.validated_data["password"]
        try:
            user = lockout.authenticate_with_lockout(request._request, username, password)
        except lockout.LockedOut:
            message = _("Too many failed logins. Please wait a few minutes and try again.")
            return Response(
                error_body("throttled", message),
                status=status.HTTP_429_TOO_MANY_REQUESTS,
                headers={"Retry-After": str(settings.CRM_LOGIN_LOCKOUT_SECONDS)},
            )
        if user is None:
            raise ValidationFailed(
                _("Wrong username or password, or the account is disabled."), code="invalid_credentials"
            )
        key = token_issue(user=user)
        # A token is a login: last_login and the login log (ORG-8) follow.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": key})

    @extend_schema(
        operation_id="auth_token_destroy",
        description=_("Revoke the token this request is authenticated with."),
        request=None,
        responses={204: None},
    )
    def delete(self, request):
        if request.auth:
            token_revoke(request.auth)
        return Response(status=status.HTTP_204_NO_CONTENT)


def describe(user) -> dict:
    """What GET /me/ answers: who the caller is and what the permission engine lets them do."""
    access = access_for(user)
    if access.superuser:
        functions = sorted(registry.all_function_codes())
        default_scope = "all"
    else:
        functions = sorted(access.functions)
        default_scope = access.default_scope
    data_scopes = {
        resource.code: access.scope(resource.code) for resource in registry.all_resources() if resource.has_own_scope
    }
    data_scopes["default"] = default_scope
    department = user.department
    return {
        "id": user.pk,
        "username": user.username,
        "name": user.name,
        "email": user.email,
        "phone": user.phone,
        "department": {"id": department.pk, "name": department.name} if department else None,
        "roles": [{"code": role.code, "name": role.name} for role in user.roles.order_by("id")],
        "data_scopes": data_scopes,
        "functions": functions,
    }


class MeView(APIView):

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(describe(request.user)).data)


# --- users ---------------------------------------------------------------------------------------------------
class UserFilter(filters.FilterSet):
    department = filters.NumberFilter(
        method="filter_department", label=_("Department id; users of its sub-departments are included.")
    )
    status = filters.ChoiceFilter(choices=UserStatus.choices)
    role = filters.CharFilter(field_name="roles__code", label=_("Role code"))

    class Meta:
        model = User
        fields = ["department", "status", "role"]

    def filter_department(self, queryset, name, value):
        department = Department.objects.filter(pk=value).first()
        return queryset.in_subtree(department) if department else queryset.none()


@extend_schema_view(
    list=extend_schema(summary=_("Users")),
    depart=extend_schema(request=DepartSerializer, responses=DepartResultSerializer),
)
class UserViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, CrmReadOnlyViewSet):
    resource = "identity.user"
    serializer_class = UserSerializer
    filter_backends = FILTERS
    filterset_class = UserFilter
    search_fields = ["username", "name", "phone", "employee_no"]
    ordering_fields = ["id", "username", "name", "employee_no", "date_joined", "last_login"]
    ordering = ["id"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        queryset = access_for(self.request.user).scoped(self.resource, User.objects.all())
        return selectors.with_relations(queryset).order_by("id")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        roles = data.pop("roles", [])
        user = services.user_create(
            actor=self.request.user, username=data.pop("username"), password=data.pop("password"), roles=roles, **data
        )
        serializer.instance = self.get_queryset().get(pk=user.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        roles = data.pop("roles", None)
        services.user_update(actor=self.request.user, user=serializer.instance, data=data, roles=roles)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    @action(detail=True, methods=["post"], required_action="depart", serializer_class=DepartSerializer)
    def depart(self, request, pk=None):
        """Employee departure (ORG-7): disable the login and hand every owned record to `successor`."""
        user = self.get_object()
        moved = services.user_depart(actor=request.user, user=user, successor=self.valid(DepartSerializer)["successor"])
        fresh = self.get_queryset().get(pk=user.pk)
        fresh.handed_over = moved
        return Response(DepartResultSerializer(fresh, context=self.get_serializer_context()).data)


# --- departments ---------------------------------------------------------------------------------------------
class DepartmentViewSet(CrmModelViewSet):
    """The department tree in path order; changing `parent` moves the whole subtree."""

    resource = "identity.department"
    serializer_class = DepartmentSerializer
    filter_backends = FILTERS
    filterset_fields = ["parent", "depth"]
    search_fields = ["name", "code"]
    ordering_fields = ["path", "name", "sort_order", "id"]
    ordering = ["path"]

    def get_queryset(self):
        queryset = access_for(self.request.user).scoped(self.resource, Department.objects.all())
        return queryset.annotate(member_count=Count("members")).order_by("path")

    def perform_create(self, serializer):
        department = services.department_create(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=department.pk)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        services.department_update(actor=self.request.user, department=serializer.instance, data=data)
        serializer.instance = self.get_queryset().get(pk=serializer.instance.pk)

    def perform_destroy(self, instance):
        services.department_delete(actor=self.request.user, department=instance)
