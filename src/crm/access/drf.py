"""The permission engine for the REST API: the default permission class (settings: every
viewset checks the function of its `resource` for the HTTP verb), field rules on serializers,
and the default search and ordering, which leave out the fields a user sees masked or hidden."""

from rest_framework import filters, permissions

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


class FieldRulesMixin:
    """For ModelSerializers of a registered resource: set `resource = "app.entity"` on the class."""

    resource: str = ""

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is None or not self.resource:
            return fields
        access = access_for(request.user)
        for name in access.hidden_fields(self.resource):
            fields.pop(name, None)
        for name in access.readonly_fields(self.resource):
            if name in fields:
                fields[name].read_only = True
        return fields

    def fields_key(self) -> frozenset:
        """What the readable fields depend on besides the class: the ones the caller's field rules
        hide (read-only fields are still written, masked ones masked after)."""
        request = self.context.get("request")
        if request is None or not self.resource:
            return frozenset()
        return frozenset(access_for(request.user).hidden_fields(self.resource))

    def to_representation(self, instance):
        data = super().to_representation(instance)
        masked = self.__dict__.get("_masked_fields")
        if masked is None:
            request = self.context.get("request")
            access = access_for(request.user) if request is not None and self.resource else None
            masked = self._masked_fields = (access, list(access.masked_fields(self.resource)) if access else [])
        access, names = masked
        for name in names:
            if name in data:
                data[name] = access.present(self.resource, name, data[name])
        return data


def _concealed(request, view) -> set[str]:
    resource = getattr(view, "resource", None)
    return access_for(request.user).concealed_fields(resource) if resource and request is not None else set()


class SearchFilter(filters.SearchFilter):
    """DRF's `?search=`, without the fields the user sees masked or hidden: matching them would
    let the user rebuild the value one guess at a time."""

    def get_search_fields(self, view, request):
        concealed = _concealed(request, view)
        fields = super().get_search_fields(view, request) or []
        return [name for name in fields if name.lstrip("^=@$").split("__")[0] not in concealed]


class OrderingFilter(filters.OrderingFilter):
    """DRF's `?ordering=`, without the fields the user sees masked or hidden (the order tells)."""

    def get_valid_fields(self, queryset, view, context=None):
        concealed = _concealed((context or {}).get("request"), view)
        fields = super().get_valid_fields(queryset, view, context)
        return [(name, label) for name, label in fields if name.split("__")[0] not in concealed]
