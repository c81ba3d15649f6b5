"""Base API views: permission-engine-aware viewsets."""

from rest_framework import permissions

from crm.access.engine import access_for


class FunctionPermission(permissions.BasePermission):
    """Maps HTTP verbs to a resource's function codes; data scope is applied by get_queryset."""

    action_for_method = {
        "GET": "view",
        "HEAD": "view",
        "OPTIONS": "view",
        "POST": "create",
        "PUT": "edit",
        "PATCH": "edit",
        "DELETE": "delete",
    }

    def has_permission(self, request, view):
        resource = getattr(view, "resource", None)
        if not resource:
            return True
        action = getattr(view, "required_action", None) or self.action_for_method.get(request.method, "view")
        return access_for(request.user).can(f"{resource}.{action}")
