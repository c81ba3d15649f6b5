"""The base of every app's API viewsets (API.md), and what their schemas share.

A viewset derives from CrmViewSet and composes DRF's mixins (`mixins.ListModelMixin`, …) for the
actions it offers; CrmReadOnlyViewSet and CrmModelViewSet are DRF's ReadOnlyModelViewSet and
ModelViewSet on it. Writes call a service in the mixins' hooks (`perform_create`: set
`serializer.instance` to what the service answers). A viewset then has:
- its function permission: the default permission classes (settings) ask the permission engine
  for `<resource>.<action>`, the action by HTTP method or `required_action` (an `@action` may name
  its own); a viewset without a `resource` is open to every signed-in user, its selectors decide
  what they see;
- Idempotency-Key on POSTs (crm.core.api.idempotency), documented in the schema;
- no filter backends: a list declares the query parameters it reads, with FILTERS (django-filter,
  search and ordering on the fields it names) or a serializer of parameters read with `valid`;
- the JSON error shape (crm.core.api.errors), documented with ERRORS.
"""

from drf_spectacular.utils import OpenApiResponse
from rest_framework import mixins, viewsets
from rest_framework.settings import api_settings

from crm.core.api.errors import ApiErrorSerializer
from crm.core.api.idempotency import IdempotencyMixin

FILTERS = api_settings.DEFAULT_FILTER_BACKENDS
ERRORS = {
    400: OpenApiResponse(ApiErrorSerializer, description="Bad input: error.fields says what."),
    403: OpenApiResponse(ApiErrorSerializer, description="The function is not allowed."),
    404: OpenApiResponse(ApiErrorSerializer, description="Does not exist, or is outside your data scope."),
    409: OpenApiResponse(ApiErrorSerializer, description="Not allowed in the current state, or a duplicate."),
}


class CrmViewSet(IdempotencyMixin, viewsets.GenericViewSet):
    # No docstring: the schema would show it for every viewset without one of its own.

    resource = None  # "app.entity", whose functions the default permission classes ask for
    required_action = None  # None: the action of the HTTP method
    filter_backends = []

    @property
    def for_schema(self) -> bool:
        """The schema generator is describing the view: there is no request user."""
        return getattr(self, "swagger_fake_view", False)

    def valid(self, serializer_class, data=None) -> dict:
        """`data` (the request's body unless given) checked by `serializer_class`: its values, or a 400."""
        data = self.request.data if data is None else data
        serializer = serializer_class(data=data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


class CrmReadOnlyViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, CrmViewSet):
    pass


class CrmModelViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, CrmReadOnlyViewSet):
    pass
