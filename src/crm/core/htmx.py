"""Helpers for htmx views (django-htmx sets request.htmx)."""

from django.http import HttpResponse


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def htmx_refresh() -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Refresh"] = "true"
    return response
