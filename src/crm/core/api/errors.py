"""One JSON error shape for every API failure (API.md):
{"error": {"code": "validation_error", "message": "…", "fields": {"name": ["…"]}}}"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from crm.core.errors import DomainError


def error_body(code: str, message, fields: dict | None = None, details: dict | None = None) -> dict:
    body = {"code": code, "message": str(message)}
    if fields:
        body["fields"] = {str(name): [text for _path, text in _flat(errors)] for name, errors in fields.items()}
    if details:
        body["details"] = details
    return {"error": body}


def _flat(errors, path: str = ""):
    """A field's errors as texts; nested ones (an item of a list, a key of a dict) say where:
    [{}, {"rule": [m]}] gives "1.rule: m". Never a Python object's repr."""
    if isinstance(errors, dict):
        for key, value in errors.items():
            yield from _flat(value, f"{path}.{key}" if path else str(key))
    elif isinstance(errors, list | tuple) and any(isinstance(item, dict | list | tuple) for item in errors):
        for index, item in enumerate(errors):
            yield from _flat(item, f"{path}.{index}" if path else str(index))
    else:
        for message in errors if isinstance(errors, list | tuple) else [errors]:
            yield path, f"{path}: {message}" if path else str(message)


_CODES = {
    400: "validation_error",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    429: "throttled",
}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        response = Response(error_body(exc.code, exc.message, exc.fields, exc.details), status=exc.status)
        return response
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(_("The record does not exist."))
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = _CODES.get(response.status_code, "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        response.data = error_body(code, _("Some of the values are not valid."), fields)
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        if isinstance(exc, exceptions.Throttled) and exc.wait:
            detail = _("Too many requests. Try again in %(seconds)d seconds.") % {"seconds": exc.wait}
        response.data = error_body(code, detail)
    return response


def json_error_response(status_code: int, message=None) -> JsonResponse:
    code = _CODES.get(status_code, "server_error" if status_code >= 500 else "error")
    if message is None:
        message = _("Internal server error.") if status_code >= 500 else _("The record does not exist.")
    return JsonResponse(error_body(code, message), status=status_code)


# --- the shape, for the schema ---------------------------------------------------------------------------------
class ApiErrorBodySerializer(serializers.Serializer):
    code = serializers.CharField(help_text=gettext_lazy("validation_error, not_found, duplicate, duplicate_warning, …"))
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)
    details = serializers.DictField(
        required=False, help_text=gettext_lazy("Structured facts, such as the duplicates found (details.duplicates).")
    )


class ApiErrorSerializer(serializers.Serializer):
    error = ApiErrorBodySerializer()
