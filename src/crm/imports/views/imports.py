"""The import pages (IMP-1): upload -> map the columns -> preview -> run (progress) -> result."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.errors import DomainError, NotFound
from crm.core.forms import errors_onto_form
from crm.core.htmx import is_htmx
from crm.core.uploads import stored_file
from crm.imports import files, registry
from crm.imports.forms import POLICY_HELP, MappingForm, UploadForm
from crm.imports.models import ImportStatus, IssueKind
from crm.imports.selectors import import_get, import_issues, import_list, saved_mapping_get, saved_mappings
from crm.imports.services import lifecycle as service
from crm.imports.services import run

ISSUES_PER_PAGE = 50
STEPS = ("upload", "map", "preview", "run", "result")


def _types_or_403(request):
    types = registry.types_for(request.user)
    if not types:
        raise PermissionDenied
    return types


def _steps(current: str) -> list[dict]:
    labels = {
        "upload": _("Upload"),
        "map": _("Map columns"),
        "preview": _("Preview"),
        "run": _("Import"),
        "result": _("Result"),
    }
    position = STEPS.index(current)
    return [
        {"key": key, "label": labels[key], "done": i < position, "current": i == position}
        for i, key in enumerate(STEPS)
    ]


@crm_view(methods=("GET", "POST"))
def home(request):
    types = _types_or_403(request)
    chosen = {"record_type": request.GET["type"]} if request.GET.get("type") else None  # a list's "Import" link
    form = UploadForm(request.POST or None, request.FILES or None, types=types, initial=chosen)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            job = service.import_create(
                actor=request.user, record_type=form.cleaned_data["record_type"], upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            if exc.status == 404:
                raise
            status = exc.status
            errors_onto_form(form, exc)
            if not form.errors:
                form.add_error("file", str(exc.message))
        else:
            return redirect("imports:mapping", pk=job.pk)
    elif request.method == "POST":
        status = 400
    context = {
        "form": form,
        "types": types,
        "imports": import_list(user=request.user).select_related("run")[:20],
        "steps": _steps("upload"),
        "limit": _limit(),
        "may_export": access_for(request.user).can("customers.customer.export"),
        "may_clean": access_for(request.user).can("customers.customer.edit"),
    }
    return render(request, "imports/home.html", context, status=status)


def _limit() -> int:
    from django.conf import settings

    return settings.CRM_UPLOAD_MAX_BYTES


@crm_view()
def template_download(request, record_type: str):
    content, filename = service.import_template(actor=request.user, record_type=record_type)
    response = HttpResponse(content, content_type=files.XLSX_TYPE)
    response["Content-Disposition"] = _attachment(filename)
    return response


def _attachment(filename: str) -> str:
    from django.utils.encoding import escape_uri_path

    return f"attachment; filename=\"{escape_uri_path(filename)}\"; filename*=UTF-8''{escape_uri_path(filename)}"


def _mapping_form(request, job, data=None):
    entry = run.import_type(job.record_type)
    fields = entry.writable_fields(request.user)
    lookups = service.lookups_for(request.user, entry)
    users = list(lookups._users_source) if lookups._users_source is not None else []
    initial = {"policy": job.policy, "save_as": ""}
    mapping = job.mapping
    defaults = job.defaults
    saved_id = request.GET.get("saved")
    if saved_id and data is None:
        saved = saved_mapping_get(user=request.user, pk=saved_id, record_type=job.record_type)
        mapping, defaults = service.mapping_from_saved(job, saved), saved.defaults
        initial["policy"] = saved.policy
        messages.info(request, _("Mapping “%(name)s” applied: check it, then continue.") % {"name": saved.name})
    for column, key in mapping.items():
        initial[f"col-{column}"] = key
    for key, value in defaults.items():
        initial[f"default-{key}"] = value
    return MappingForm(data, job=job, fields=fields, lookups=lookups, users=users, initial=initial)


@crm_view(methods=("GET", "POST"))
def mapping(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    if job.status not in service.EDITABLE_STATUSES:
        return redirect("imports:detail", pk=job.pk)
    form = _mapping_form(request, job, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                service.import_map(
                    actor=request.user,
                    job=job,
                    mapping=form.mapping(),
                    defaults=form.default_values(),
                    policy=form.cleaned_data["policy"],
                    save_as=form.cleaned_data.get("save_as", ""),
                )
            except DomainError as exc:
                if exc.status == 404:
                    raise
                status = 400
                errors_onto_form(form, exc, {f"default.{n[8:]}": n for n in form.default_names})
            else:
                if form.cleaned_data.get("save_as"):
                    messages.success(request, _("Mapping “%(name)s” saved.") % {"name": form.cleaned_data["save_as"]})
                return redirect("imports:preview", pk=job.pk)
        else:
            status = 400
    required = [spec for spec in form.specs.values() if spec.required]
    context = {
        "job": job,
        "form": form,
        "entry": run.import_type(job.record_type),
        "saved": saved_mappings(user=request.user, record_type=job.record_type),
        "policy_help": POLICY_HELP,
        "required": required,
        "steps": _steps("map"),
    }
    return render(request, "imports/mapping.html", context, status=status)


@crm_view()
def preview(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    if job.status == ImportStatus.MAPPING:
        return redirect("imports:mapping", pk=job.pk)
    if job.status not in service.EDITABLE_STATUSES:
        return redirect("imports:detail", pk=job.pk)
    try:
        result = service.import_preview(actor=request.user, job=job)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
        return redirect("imports:mapping", pk=job.pk)
    outcomes = {}
    for row in result["rows"]:
        outcomes[row["outcome"]] = outcomes.get(row["outcome"], 0) + 1
    context = {
        "job": job,
        "entry": run.import_type(job.record_type),
        "fields": result["fields"],
        "rows": result["rows"],
        "outcomes": outcomes,
        "steps": _steps("preview"),
    }
    return render(request, "imports/preview.html", context)


@crm_view(methods=("POST",))
def start(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    try:
        job = service.import_start(actor=request.user, job=job, dry_run=bool(request.POST.get("dry_run")))
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    return redirect("imports:detail", pk=job.pk)


def _detail_context(request, job) -> dict:
    entry = run.import_type(job.record_type)
    kind = request.GET.get("issues", "")
    if kind not in IssueKind.values:
        kind = IssueKind.DUPLICATE if job.status == ImportStatus.WAITING else IssueKind.REJECTED
    issues = Paginator(import_issues(job=job, kind=kind), ISSUES_PER_PAGE).get_page(request.GET.get("page"))
    finished = job.status in (
        ImportStatus.SUCCEEDED,
        ImportStatus.CHECKED,
        ImportStatus.WAITING,
        ImportStatus.FAILED,
        ImportStatus.CANCELLED,
    )
    return {
        "job": job,
        "entry": entry,
        "issues": issues,
        "issue_kind": kind,
        "issue_kinds": IssueKind,
        "interrupted": service.is_interrupted(job),
        "finished": finished,
        "steps": _steps("result" if finished else "run"),
        "headers": job.headers,
    }


@crm_view()
def detail(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    if job.status == ImportStatus.MAPPING:
        return redirect("imports:mapping", pk=job.pk)
    context = _detail_context(request, job)
    if is_htmx(request) and request.htmx.target == "issues":
        return render(request, "imports/partials/issues.html", context)
    return render(request, "imports/detail.html", context)


@crm_view()
def progress(request, pk: int):
    """The progress card, polled by htmx while the import runs; once it ends the page reloads."""
    job = import_get(user=request.user, pk=pk)
    context = _detail_context(request, job)
    response = render(request, "imports/partials/progress.html", context)
    if not job.active and request.GET.get("was") in ("queued", "running"):
        response["HX-Refresh"] = "true"
    return response


@crm_view()
def rejects(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    if not job.rejects:
        raise NotFound()
    filename = job.rejects.name.rsplit("/", 1)[-1]
    content_type = files.rejects_type(job)
    return FileResponse(stored_file(job.rejects), as_attachment=True, filename=filename, content_type=content_type)


@crm_view(methods=("POST",))
def decide(request, pk: int):
    job = import_get(user=request.user, pk=pk)
    everything = request.POST.get("everything", "")
    decisions = {
        name[9:]: value for name, value in request.POST.items() if name.startswith("decision-") and name[9:].isdigit()
    }
    try:
        job = service.import_decide(actor=request.user, job=job, decisions=decisions, everything=everything)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(
            request, exc.summary()
        )
    return redirect("imports:detail", pk=job.pk)


def _act(request, pk: int, action, success: str):
    job = import_get(user=request.user, pk=pk)
    try:
        action(actor=request.user, job=job)
        messages.success(request, success)
    except DomainError as exc:
        if exc.status == 404:
            raise
        messages.error(request, exc.message)
    return redirect("imports:detail", pk=job.pk)


@crm_view(methods=("POST",))
def cancel(request, pk: int):
    return _act(request, pk, service.import_cancel, _("The import was cancelled; rows already imported stay."))


@crm_view(methods=("POST",))
def resume(request, pk: int):
    return _act(request, pk, service.import_resume, _("The import continues where it stopped."))


@crm_view(methods=("POST",))
def saved_delete(request, pk: int):
    saved = saved_mapping_get(user=request.user, pk=pk)
    service.saved_mapping_delete(actor=request.user, saved=saved)
    messages.success(request, _("Mapping “%(name)s” deleted.") % {"name": saved.name})
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "imports:home")
