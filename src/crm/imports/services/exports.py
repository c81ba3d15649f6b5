"""Exports (IMP-2, ORG-6) beyond the list page's direct download: large exports as background
jobs whose file is kept for a while for its owner, and exports from the command line.

Every export goes through crm.imports.exports.export_rows, the one export path: the "export"
function permission, the data scope, masked and hidden fields, and an audit row with the count.
"""

from datetime import timedelta

from django.core.files.base import ContentFile
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.core import context
from crm.core.errors import DomainError, NotFound, ValidationFailed
from crm.imports import conf, registry
from crm.imports.exports import FORMATS, ExportFile, export_rows
from crm.imports.models import ExportJob, ExportStatus

JOB_NAME = "imports.export"


def export_source(code: str) -> registry.ExportSource:
    try:
        return registry.export_source(code)
    except KeyError as exc:
        raise NotFound(_("There is no record type “%(code)s” to export.") % {"code": code}) from exc


def _query(actor, source: registry.ExportSource, params: str):
    return source.query(actor, QueryDict(params or "", mutable=False))


def _check_format(fmt: str) -> None:
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown export format."), fields={"format": [_("Choose CSV or Excel.")]})


def export_count(*, actor, record_type: str, params: str = "", cap: int | None = None) -> int:
    """How many rows an export would hold (counted up to `cap`)."""
    source = export_source(record_type)
    queryset, _columns = _query(actor, source, params)
    scoped = access_for(actor).scoped(source.resource, queryset, action="export")
    if cap is not None:
        return scoped.order_by()[: cap + 1].count()
    return scoped.order_by().count()


def export_now(*, actor, record_type: str, params: str = "", fmt: str = "xlsx") -> ExportFile:
    """The file, made right here (the list's download, the command line)."""
    _check_format(fmt)
    source = export_source(record_type)
    access_for(actor).require(f"{source.resource}.export")
    queryset, columns = _query(actor, source, params)
    return export_rows(
        actor=actor,
        resource_code=source.resource,
        queryset=queryset,
        columns=columns,
        fmt=fmt,
        description=(params or "")[:200],
    )


def export_start(
    *, actor, record_type: str, params: str = "", fmt: str = "xlsx", as_job: bool = False
) -> ExportFile | ExportJob:
    """Small exports come back as the file; above CRM_EXPORT_INLINE_ROWS rows they run as a
    background job and the answer is the ExportJob (its file appears on the exports page).
    With as_job=True (the API) the answer is always an ExportJob, small ones already done."""
    _check_format(fmt)
    source = export_source(record_type)
    access_for(actor).require(f"{source.resource}.export")
    limit = conf.export_inline_rows()
    small = export_count(actor=actor, record_type=record_type, params=params, cap=limit) <= limit
    if small and not as_job:
        return export_now(actor=actor, record_type=record_type, params=params, fmt=fmt)
    from crm.jobs.services import job_enqueue

    with transaction.atomic():
        job = ExportJob.objects.create(
            owner=actor,
            record_type=source.code,
            file_format=fmt,
            params=params or "",
            language=translation.get_language() or "zh-hans",
        )
        if not small:
            job.run = job_enqueue(name=JOB_NAME, triggered_by=actor, kwargs={"export_id": job.pk})
            job.save(update_fields=["run"])
    if small:
        return export_execute(job.pk)
    return job


def export_execute(export_id: int) -> ExportJob | None:
    """The background job's body: claim the export once, write its file, keep it a while."""
    claimed = ExportJob.objects.filter(pk=export_id, status=ExportStatus.QUEUED).update(status=ExportStatus.RUNNING)
    job = ExportJob.objects.filter(pk=export_id).select_related("owner").first()
    if job is None or not claimed:
        return job
    try:
        with translation.override(job.language), context.acting("job"):
            exported = export_now(actor=job.owner, record_type=job.record_type, params=job.params, fmt=job.file_format)
            stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
            job.file.save(f"{job.record_type}-{stamp}.{job.file_format}", ContentFile(exported.content), save=False)
    except DomainError as exc:
        job.status, job.error = ExportStatus.FAILED, str(exc.message)
    except Exception as exc:
        job.status, job.error = ExportStatus.FAILED, _("The export failed: %(error)s") % {"error": type(exc).__name__}
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])
        raise
    else:
        job.status, job.rows = ExportStatus.SUCCEEDED, exported.rows
        job.expires_at = timezone.now() + timedelta(days=conf.export_keep_days())
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "rows", "file", "error", "finished_at", "expires_at"])
    return job


def export_download(*, actor, job: ExportJob) -> ExportJob:
    """The owner may fetch the file while it is kept and while they still may export."""
    if job.owner_id != actor.pk or job.status != ExportStatus.SUCCEEDED or not job.file:
        raise NotFound()
    access_for(actor).require(f"{export_source(job.record_type).resource}.export")
    return job


def exports_cleanup(*, now=None) -> dict:
    """Scheduled: files of expired exports are deleted with their rows."""
    now = now or timezone.now()
    removed = 0
    for job in ExportJob.objects.filter(expires_at__lt=now).iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        removed += 1
    stuck = ExportJob.objects.filter(
        status__in=[ExportStatus.QUEUED, ExportStatus.RUNNING], created_at__lt=now - timedelta(days=1)
    ).update(status=ExportStatus.FAILED, error=_("Interrupted: the process making this export stopped."))
    return {"exports": removed, "interrupted": stuck}
