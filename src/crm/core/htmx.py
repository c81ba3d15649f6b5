"""Helpers for htmx views (django-htmx sets request.htmx)."""

import json

from django.http import HttpResponse


def is_htmx(request) -> bool:
    return bool(getattr(request, "htmx", False))


def htmx_redirect(url: str) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = url
    return response


def htmx_saved(message: str = "", **detail) -> HttpResponse:
    """A dialog form was saved: 204 with HX-Trigger {"crm:saved": {...}} (app.js closes the
    dialog, shows the message, and sections listening for the event reload)."""
    response = HttpResponse(status=204)
    response["HX-Trigger"] = json.dumps(
        {"crm:saved": {"message": str(message), **detail}}
    )  # ASCII: headers are latin-1
    return response


def htmx_refused(message: str) -> HttpResponse:
    """A step the server refused, for an htmx request that swaps nothing: 204 with HX-Trigger
    {"crm:refused": {"message": …}} (app.js shows it; views listening for it reload)."""
    response = HttpResponse(status=204)
    response["HX-Trigger"] = json.dumps({"crm:refused": {"message": str(message)}})  # ASCII, as above
    return response
