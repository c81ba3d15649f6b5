"""Error pages: HTML for people, the API's JSON error shape under /api/."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template.loader import render_to_string

from crm.core.api.errors import json_error_response


def error_page(request, status: int, message=None):
    """The error page (its `message`, when given, says why), or the API's JSON error."""
    if request.path.startswith("/api/"):
        return json_error_response(status, message)
    return render(request, "core/error.html", {"status": status, "message": message}, status=status)


def bad_request(request, exception=None):
    return error_page(request, 400, str(exception) if exception else None)


def permission_denied(request, exception=None):
    return error_page(request, 403, str(exception) if exception else None)


def page_not_found(request, exception=None):
    return error_page(request, 404)


def server_error(request):
    if request.path.startswith("/api/"):
        return json_error_response(500)
    # Without the request: no context processors, so no database query on a failing server.
    return HttpResponseServerError(render_to_string("core/server_error.html"))
