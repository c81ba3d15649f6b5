"""Request-wide concerns: the audit context, session renewal, login enforcement, domain errors
as error pages, and the Content-Security-Policy."""

import ipaddress
import time

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired

from crm.core import context
from crm.core.errors import DomainError
from crm.core.memo import stamps_read_together
from crm.core.views.errors import error_page

# Alpine runs its CSP build (no eval), htmx inline indicator styles are off (see base.html), and
# no template has an inline script; inline style attributes stay allowed for chart sizing.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def client_ip(request) -> str | None:
    """The caller's address, as ForwardedMiddleware settled it."""
    return request.META.get("REMOTE_ADDR")


class ForwardedMiddleware:
    """Forwarded headers count only from the proxies in CRM_TRUSTED_PROXIES. Runs first: the
    client's address comes from X-Forwarded-For, read right to left past the trusted proxies, into
    REMOTE_ADDR; then the header is dropped, so the lockout, the throttles and the audit log all
    read the one settled address. From anyone else X-Forwarded-For and X-Forwarded-Proto are
    dropped unread (a client cannot rotate its address or claim HTTPS)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.proxies = [ipaddress.ip_network(proxy, strict=False) for proxy in settings.CRM_TRUSTED_PROXIES]

    def __call__(self, request):
        meta = request.META
        hops = [hop.strip() for hop in meta.pop("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if self._trusted(meta.get("REMOTE_ADDR")):
            for hop in reversed(hops):
                if _address(hop) is None:
                    break
                meta["REMOTE_ADDR"] = hop
                if not self._trusted(hop):
                    break
        else:
            meta.pop("HTTP_X_FORWARDED_PROTO", None)
        return self.get_response(request)

    def _trusted(self, address) -> bool:
        parsed = _address(address)
        return parsed is not None and any(parsed in network for network in self.proxies)


def _address(text):
    try:
        return ipaddress.ip_address(text)
    except (TypeError, ValueError):
        return None


class RequestContextMiddleware:
    """Tells services who acts from where (for the audit log) without handing them the request, and
    reads the memos' stamps together once per request (crm.core.memo)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        source = "api" if request.path.startswith("/api/") else "ui"
        with (
            context.acting(source, client_ip(request), request.META.get("HTTP_USER_AGENT", "")),
            stamps_read_together(),
        ):
            return self.get_response(request)


class SessionRenewalMiddleware:
    """Sessions end after SESSION_COOKIE_AGE of inactivity. Renewing one means writing it (a
    database write per request with SESSION_SAVE_EVERY_REQUEST), so it is renewed at most once
    every CRM_SESSION_RENEW_SECONDS: the idle limit then holds to within that much."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key:
            now = int(time.time())
            if now - session.get("_renewed", 0) >= settings.CRM_SESSION_RENEW_SECONDS:
                session["_renewed"] = now  # modified: SessionMiddleware saves it and resends the cookie
        return self.get_response(request)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login; the API answers 401 in JSON itself instead of redirecting."""

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.path.startswith(("/api/", "/static/")):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class DomainErrorMiddleware:
    """A domain error a page did not handle becomes its error page, in one place for every view:
    NotFound 404 (outside the user's data scope looks the same), PermissionDenied 403, Conflict
    409 with its reason. The API answers its own JSON (crm.core.api.errors)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, DomainError):
            return None
        return error_page(request, exception.status, exception.message)
