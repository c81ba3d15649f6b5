"""`Idempotency-Key` on POSTs a client may retry (API.md).

A POST with the header runs once per user and key: its successful answer is kept in Django's
cache for 24 hours and a retry with the same key gets that answer again (header
`Idempotency-Replayed: true`) without doing anything. The same key with another request (other
path or body) is a 409 `idempotency_key_reused`; a retry while the first is still running is a
409 `idempotency_in_progress`. Failed requests are not kept: they wrote nothing, so a retry
simply runs again.

The cache is the CRM's shared one (Redis in production, the file cache in the embedded setup),
so a retry reaching another worker process finds the answer too. Nothing here is specific to
customers: every viewset has it (crm.core.api.viewsets.CrmViewSet), and AutoSchema (the
schema class in settings) documents the header on their POSTs.
"""

import hashlib
import json

from django.core.cache import cache
from django.utils.translation import gettext as _
from drf_spectacular import openapi
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from crm.core.errors import Conflict, ValidationFailed

HEADER = "HTTP_IDEMPOTENCY_KEY"
KEEP_SECONDS = 24 * 3600
LOCK_SECONDS = 60
MAX_KEY_LENGTH = 255
PREFIX = "crm:idempotency"

PARAMETER = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=(
        "Optional. A retried POST with the same key (per user, for 24 hours) answers the first answer again "
        "instead of acting twice."
    ),
)


class _Replay(Exception):
    def __init__(self, response: Response):
        self.response = response
        super().__init__("replay")


def _fingerprint(request) -> str:
    data = request.data
    if hasattr(data, "lists"):
        payload = sorted(
            (key, [f"{v.name}:{v.size}" if hasattr(v, "read") else str(v) for v in values])
            for key, values in data.lists()
        )
    else:
        payload = data
    raw = json.dumps([request.method, request.get_full_path(), payload], sort_keys=True, cls=JSONEncoder)
    return hashlib.sha256(raw.encode()).hexdigest()


class IdempotencyMixin:
    # For viewsets: POSTs honour the Idempotency-Key header (no docstring: the schema would show it).

    def initial(self, request, *args, **kwargs):
        self._idempotency = None
        super().initial(request, *args, **kwargs)
        key = request.META.get(HEADER, "")
        if request.method != "POST" or not key:
            return
        if len(key) > MAX_KEY_LENGTH:
            raise ValidationFailed(
                fields={"Idempotency-Key": [_("At most %(limit)d characters.") % {"limit": MAX_KEY_LENGTH}]}
            )
        digest = hashlib.sha256(f"{request.user.pk}\0{key}".encode()).hexdigest()
        fingerprint = _fingerprint(request)
        stored = cache.get(f"{PREFIX}:{digest}")
        if stored is not None:
            if stored["fingerprint"] != fingerprint:
                raise Conflict(
                    _("This Idempotency-Key was already used for another request."), code="idempotency_key_reused"
                )
            raise _Replay(Response(stored["data"], status=stored["status"], headers={"Idempotency-Replayed": "true"}))
        if not cache.add(f"{PREFIX}:lock:{digest}", 1, LOCK_SECONDS):
            raise Conflict(
                _("A request with this Idempotency-Key is still being processed."), code="idempotency_in_progress"
            )
        self._idempotency = (digest, fingerprint)

    def handle_exception(self, exc):
        if isinstance(exc, _Replay):
            return exc.response
        try:
            return super().handle_exception(exc)
        except Exception:
            self._release()
            raise

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        state = getattr(self, "_idempotency", None)
        if state is not None:
            digest, fingerprint = state
            if 200 <= response.status_code < 300 and isinstance(response, Response):
                data = json.loads(json.dumps(response.data, cls=JSONEncoder))
                stored = {"fingerprint": fingerprint, "status": response.status_code, "data": data}
                cache.set(f"{PREFIX}:{digest}", stored, KEEP_SECONDS)
            self._release()
        return response

    def _release(self) -> None:
        state = getattr(self, "_idempotency", None)
        if state is not None:
            cache.delete(f"{PREFIX}:lock:{state[0]}")
            self._idempotency = None


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's, with the Idempotency-Key header on the POSTs of the views that honour it."""

    def get_override_parameters(self):
        parameters = super().get_override_parameters()
        if self.method == "POST" and isinstance(self.view, IdempotencyMixin):
            return [PARAMETER, *parameters]
        return parameters
