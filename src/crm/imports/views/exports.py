"""Exports (IMP-2): a list's export that is too big for the request runs in the background;
its file waits on the exports page for a while."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError
from crm.core.htmx import is_htmx
from crm.core.uploads import stored_file
from crm.imports import conf, registry
from crm.imports.exports import ExportFile
from crm.imports.selectors import export_get, export_list
from crm.imports.services import exports as service
from crm.imports.views.imports import _attachment

SKIPPED_PARAMS = {"type", "format", "page", "view", "size", "csrfmiddlewaretoken"}


def _may_export_anything(user) -> bool:
    access = access_for(user)
    return any(access.can(f"{source.resource}.export") for source in registry.export_sources())


@crm_view()
def export_page(request):
    if not _may_export_anything(request.user):
        raise PermissionDenied
    jobs = list(export_list(user=request.user)[:50])
    context = {
        "jobs": jobs,
        "pending": any(job.status in ("queued", "running") for job in jobs),
        "keep_days": conf.export_keep_days(),
        "inline_rows": conf.export_inline_rows(),
    }
    if is_htmx(request):
        return render(request, "imports/partials/export_table.html", context)
    return render(request, "imports/exports.html", context)


@crm_view()
def export_new(request):
    """?type=customers&format=xlsx&<the list's filters and columns>: small exports download at
    once, big ones become a background job."""
    record_type = request.GET.get("type", "customers")
    params = request.GET.copy()
    for name in SKIPPED_PARAMS:
        params.pop(name, None)
    try:
        result = service.export_start(
            actor=request.user,
            record_type=record_type,
            params=params.urlencode(),
            fmt=request.GET.get("format", "xlsx"),
        )
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        return redirect("imports:export_list")
    if isinstance(result, ExportFile):
        response = HttpResponse(result.content, content_type=result.content_type)
        response["Content-Disposition"] = _attachment(result.filename)
        return response
    messages.success(
        request,
        _("The export is big, so it is made in the background: download it here when it is ready (kept %(days)d days).")
        % {"days": conf.export_keep_days()},
    )
    return redirect("imports:export_list")


@crm_view()
def export_download(request, pk: int):
    job = service.export_download(actor=request.user, job=export_get(user=request.user, pk=pk))
    return FileResponse(stored_file(job.file), as_attachment=True, filename=job.filename)
