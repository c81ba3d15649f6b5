"""Error pages: HTML for people, the API's JSON error shape under /api/."""

from django.shortcuts import render

from crm.core.api.errors import json_error_response


def _wants_json(request) -> bool:
    return request.path.startswith("/api/")


def bad_request(request, exception=None):
    if _wants_json(request):
        return json_error_response(400, str(exception) if exception else None)
    return render(request, "core/error.html", {"status": 400}, status=400)


def permission_denied(request, exception=None):
    if _wants_json(request):
        return json_error_response(403, str(exception) if exception else None)
    return render(request, "core/error.html", {"status": 403}, status=403)


def page_not_found(request, exception=None):
    if _wants_json(request):
        return json_error_response(404)
    return render(request, "core/error.html", {"status": 404}, status=404)


def server_error(request):
    if _wants_json(request):
        return json_error_response(500)
    return render(request, "core/error.html", {"status": 500}, status=500)
