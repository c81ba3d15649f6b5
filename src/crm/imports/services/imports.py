"""Every write of an import (IMP-1): upload and analysis, mapping, preview, the run with its
checkpoints, decisions on duplicates, cancel and resume, the rejects file and the audit log.

A run reads the file from its checkpoint, converts and checks each batch of rows, and writes the
batch, its rejected rows and the new checkpoint (the next row's index) and counts in one
transaction. A batch commits only while this process still holds the import's claim, so a run
killed mid-file resumes at the checkpoint, and a second process claiming the import makes the
first stop before its next batch: no half row, no row twice.
"""

import logging
import uuid
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import audit_record
from crm.core import bulk, context
from crm.core.errors import Conflict, DomainError, NotFound, ValidationFailed
from crm.core.uploads import check_upload, extension
from crm.imports import conf, files, parsing, reading, registry
from crm.imports.models import (
    DONE_STATUSES,
    DuplicatePolicy,
    ImportIssue,
    ImportJob,
    ImportStatus,
    IssueKind,
    SavedMapping,
)
from crm.imports.reading import make_row
from crm.imports.registry import Context, Row
from crm.imports.values import Lookups, convert

logger = logging.getLogger(__name__)

JOB_NAME = "imports.run"
PREVIEW_ROWS = 20
ISSUE_KINDS = {registry.REJECTED: IssueKind.REJECTED, registry.WAITING: IssueKind.DUPLICATE}
_COUNTERS = {
    registry.CREATED: "created_count",
    registry.UPDATED: "updated_count",
    registry.SKIPPED: "skipped_count",
    registry.REJECTED: "rejected_count",
    registry.WAITING: "waiting_count",
}
EDITABLE_STATUSES = (ImportStatus.MAPPING, ImportStatus.READY, ImportStatus.CHECKED)


class Superseded(Exception):
    """Another process claimed the import (or it was cancelled): this one stops."""


def import_type(code: str) -> registry.ImportType:
    try:
        return registry.get(code)
    except KeyError as exc:
        raise NotFound(_("There is no record type “%(code)s” to import.") % {"code": code}) from exc


def _require(actor, entry: registry.ImportType):
    access = access_for(actor)
    entry.check_access(access)
    return access


def _own(actor, job: ImportJob) -> ImportJob:
    if job.owner_id != getattr(actor, "pk", None):
        raise NotFound()
    return job


def _locked(actor, job: ImportJob) -> ImportJob:
    return _own(actor, ImportJob.objects.select_for_update().get(pk=job.pk))


# --- upload ----------------------------------------------------------------------------------------
def import_create(*, actor, record_type: str, upload) -> ImportJob:
    """Store an uploaded file and analyse it: format, encoding, sheet, header row, columns; the
    columns are matched to fields automatically. Raises with a clear message for files over the
    size limit (413), of another kind, or that are no readable spreadsheet."""
    entry = import_type(record_type)
    _require(actor, entry)
    if upload is None:
        raise ValidationFailed(fields={"file": [_("Choose a file.")]})
    kind = extension(getattr(upload, "name", ""))
    if kind == "xls":
        message = _("Excel 97–2003 files (.xls) cannot be read: save the file as Excel workbook (.xlsx) or CSV.")
        raise ValidationFailed(message, fields={"file": [message]})
    try:
        check_upload(upload, allowed=parsing.FORMATS)
    except ValidationFailed as exc:
        first = next((m for messages in exc.fields.values() for m in messages), exc.message)
        raise ValidationFailed(first, fields=exc.fields) from exc
    job = ImportJob(
        owner=actor,
        record_type=entry.code,
        original_name=Path(upload.name).name[:200],
        file_format=kind,
        language=translation.get_language() or "zh-hans",
    )
    job.source.save(f"source.{kind}", upload, save=False)
    fields = entry.writable_fields(actor)
    index = registry.header_index(fields)
    try:
        layout = parsing.analyse(
            job.source.path, kind, lambda cells: len({index[k] for k in map(registry.header_key, cells) if k in index})
        )
    except ValidationFailed:
        job.source.delete(save=False)
        raise
    job.encoding, job.delimiter, job.sheet = layout.encoding, layout.delimiter, layout.sheet
    job.header_row, job.data_start = layout.header_row, layout.data_start
    job.headers, job.merges = layout.headers, layout.merges
    job.samples = layout.samples
    job.total_rows, job.rows_exact = layout.estimated_rows, layout.rows_exact
    job.mapping = registry.match_columns(fields, layout.headers)
    job.defaults = {spec.key: spec.initial for spec in fields if spec.allow_default and spec.initial}
    if "manager" in {spec.key for spec in fields if spec.allow_default}:
        job.defaults.setdefault("manager", actor.username)
    job.save()
    return job


def layout_of(job: ImportJob) -> parsing.Layout:
    return parsing.Layout(
        file_format=job.file_format,
        encoding=job.encoding,
        delimiter=job.delimiter,
        sheet=job.sheet,
        header_row=job.header_row,
        data_start=job.data_start,
        headers=job.headers,
        merges=job.merges,
    )


# --- mapping ---------------------------------------------------------------------------------------
def _check_defaults(actor, entry, fields: dict, defaults: dict) -> dict:
    """The defaults as text, checked: {field: value} for rows without one."""
    lookups = _lookups(actor, entry)
    cleaned, errors = {}, {}
    for key, value in (defaults or {}).items():
        spec = fields.get(key)
        text = str(value if value is not None else "").strip()
        if spec is None or not spec.allow_default or not text:
            continue
        try:
            convert(spec, text, lookups)
        except ValueError as exc:
            errors[f"default.{key}"] = [str(exc.args[0]) if exc.args else _("Not a valid value.")]
            continue
        cleaned[key] = text
    if errors:
        raise ValidationFailed(fields=errors)
    return cleaned


def _lookups(actor, entry) -> Lookups:
    ctx = Context(actor=actor, access=access_for(actor), type=entry)
    entry.begin(ctx)
    return ctx.lookups or Lookups()


@transaction.atomic
def import_map(
    *, actor, job: ImportJob, mapping: dict, defaults: dict | None = None, policy: str = "", save_as: str = ""
) -> ImportJob:
    """Which column goes to which field, values for rows without one, what to do with duplicates."""
    job = _locked(actor, job)
    if job.status not in EDITABLE_STATUSES:
        raise Conflict(_("This import has started; its mapping can no longer change."), code="not_editable")
    entry = import_type(job.record_type)
    _require(actor, entry)
    fields = {spec.key: spec for spec in entry.writable_fields(actor)}
    every = {spec.key: spec for spec in entry.fields()}
    cleaned: dict[str, str] = {}
    errors: dict[str, list[str]] = {}
    taken: dict[str, str] = {}
    for column, key in (mapping or {}).items():
        if not key:
            continue
        try:
            position = int(column)
        except (TypeError, ValueError):
            continue
        if not 0 <= position < len(job.headers):
            continue
        if key not in fields:
            label = every[key].label if key in every else key
            errors.setdefault("mapping", []).append(
                _("“%(field)s” cannot be imported (unknown, or read-only for you).") % {"field": label}
            )
            continue
        if key in taken:
            errors.setdefault("mapping", []).append(
                _("“%(field)s” is chosen for two columns: %(first)s and %(second)s.")
                % {"field": fields[key].label, "first": taken[key], "second": job.headers[position]}
            )
            continue
        taken[key] = job.headers[position]
        cleaned[str(position)] = key
    if not cleaned and "mapping" not in errors:
        errors["mapping"] = [_("Choose a field for at least one column.")]
    if errors:
        raise ValidationFailed(errors["mapping"][0], fields=errors)
    if policy not in DuplicatePolicy.values:
        policy = job.policy or DuplicatePolicy.SKIP
    job.mapping = cleaned
    job.defaults = _check_defaults(actor, entry, fields, defaults if defaults is not None else job.defaults)
    job.policy = policy
    job.status = ImportStatus.READY
    job.save(update_fields=["mapping", "defaults", "policy", "status"])
    if save_as.strip():
        saved_mapping_save(actor=actor, job=job, name=save_as)
    return job


def mapping_columns(job: ImportJob) -> dict[str, str]:
    """{normalised header: field} of a job's mapping, as a saved mapping keeps it."""
    return {
        registry.header_key(job.headers[int(c)]): key for c, key in job.mapping.items() if int(c) < len(job.headers)
    }


@transaction.atomic
def saved_mapping_save(*, actor, job: ImportJob, name: str) -> SavedMapping:
    _own(actor, job)
    name = name.strip()[:50]
    if not name:
        raise ValidationFailed(fields={"save_as": [_("Give the mapping a name.")]})
    saved, _created = SavedMapping.objects.update_or_create(
        owner=actor,
        record_type=job.record_type,
        name=name,
        defaults={"columns": mapping_columns(job), "defaults": job.defaults, "policy": job.policy},
    )
    return saved


@transaction.atomic
def saved_mapping_delete(*, actor, saved: SavedMapping) -> None:
    if saved.owner_id != actor.pk:
        raise NotFound()
    saved.delete()


def mapping_from_saved(job: ImportJob, saved: SavedMapping) -> dict[str, str]:
    """A saved mapping laid over this file's headers (columns it does not know stay unmapped)."""
    mapping = {}
    for position, header in enumerate(job.headers):
        key = saved.columns.get(registry.header_key(header))
        if key and key not in mapping.values():
            mapping[str(position)] = key
    return mapping


@transaction.atomic
def import_apply_saved(*, actor, job: ImportJob, saved: SavedMapping) -> ImportJob:
    if saved.owner_id != actor.pk or saved.record_type != job.record_type:
        raise NotFound()
    return import_map(
        actor=actor, job=job, mapping=mapping_from_saved(job, saved), defaults=saved.defaults, policy=saved.policy
    )


# --- the context of a run --------------------------------------------------------------------------
def build_context(job: ImportJob, *, dry_run: bool) -> Context:
    entry = import_type(job.record_type)
    actor = job.owner
    access = _require(actor, entry)
    fields = {spec.key: spec for spec in entry.writable_fields(actor)}
    ctx = Context(
        actor=actor,
        access=access,
        type=entry,
        job=job,
        fields=fields,
        mapped={key for key in job.mapping.values() if key in fields},
        policy=job.policy,
        dry_run=dry_run,
    )
    entry.begin(ctx)
    for key, text in (job.defaults or {}).items():
        spec = fields.get(key)
        if spec is None:
            continue
        try:
            ctx.defaults[key] = convert(spec, text, ctx.lookups)
        except ValueError as exc:
            raise ValidationFailed(
                _("The value for all rows of “%(field)s” is no longer valid: %(error)s")
                % {"field": spec.label, "error": exc.args[0] if exc.args else ""}
            ) from exc
    return ctx


def reason_text(ctx: Context, row: Row) -> str:
    """The row's errors in the user's language: "客户名称：此字段不能为空。；电话：…"."""
    parts = []
    every = ctx.fields or {spec.key: spec for spec in ctx.type.fields()}
    for key, messages in row.errors.items():
        label = every[key].label if key in every else ""
        for message in messages:
            parts.append(f"{label}：{message}" if label else str(message))
    return "；".join(parts)


# --- preview -----------------------------------------------------------------------------------------
def import_preview(*, actor, job: ImportJob, limit: int = PREVIEW_ROWS) -> dict:
    """The first rows as they will be stored, with what will happen to each (nothing is written)."""
    _own(actor, job)
    ctx = build_context(job, dry_run=True)
    rows = [
        make_row(job, index, number, cells)
        for index, number, cells in _first(parsing.iter_rows(job.source.path, layout_of(job)), limit)
    ]
    ctx.type.clean(ctx, rows)
    ctx.type.write(ctx, rows)
    shown_fields = [  # with the fields a row gets without a column (a city read from 地区)
        spec
        for key, spec in ctx.fields.items()
        if key in ctx.mapped or key in ctx.defaults or any(key in row.values for row in rows)
    ]
    result = []
    for row in rows:
        if not row.outcome or row.errors:
            row.outcome = registry.REJECTED if row.errors else row.outcome
        result.append(
            {
                "index": row.index,
                "number": row.number,
                "outcome": row.outcome,
                "message": reason_text(ctx, row) if row.errors else row.message,
                "errors": {key: [str(m) for m in messages] for key, messages in row.errors.items()},
                "values": ctx.type.display(ctx, row),
                "record_number": row.extra.get("target_number", ""),
            }
        )
    return {"fields": shown_fields, "rows": result}


def _first(iterator, count: int):
    for position, item in enumerate(iterator):
        if position >= count:
            return
        yield item


# --- starting, running -------------------------------------------------------------------------------
def _reset(job: ImportJob) -> None:
    job.next_row = 0
    job.created_count = job.updated_count = job.skipped_count = job.rejected_count = job.waiting_count = 0
    job.error = ""
    job.started_at = job.finished_at = None
    job.issues.all().delete()
    if job.rejects:
        job.rejects.delete(save=False)


def import_start(
    *, actor, job: ImportJob, dry_run: bool = False, background: bool | None = None, on_batch=None
) -> ImportJob:
    """Run the import (or a dry run of it): small files right away, big ones in the background
    (background=False: always right here, as the command line does)."""
    with transaction.atomic():
        job = _locked(actor, job)
        if job.status not in (ImportStatus.READY, ImportStatus.CHECKED):
            raise Conflict(_("Map the columns first, or wait for the running import."), code="not_ready")
        _require(actor, import_type(job.record_type))
        _reset(job)
        job.dry_run = dry_run
        job.status = ImportStatus.QUEUED
        job.language = translation.get_language() or job.language
        if background is None:  # a workbook without a size record might be big: background then
            inline = job.total_rows is not None and job.total_rows <= conf.inline_rows()
        else:
            inline = not background
        if not inline:
            from crm.jobs.services import job_enqueue

            job.run = job_enqueue(name=JOB_NAME, triggered_by=actor, kwargs={"import_id": job.pk})
        job.save()
    if inline:
        return import_execute(job.pk, on_batch=on_batch)
    return job


def import_execute(import_id: int, *, force: bool = False, on_batch=None) -> ImportJob | None:
    """Run (or resume) an import in this process: the job body, `crm import` and small uploads.

    Claims the import when it is queued, or running but silent for CRM_IMPORT_STALE_SECONDS (its
    process died), or always with force=True (the caller knows the other process is gone; even
    if it is not, it stops at its next batch)."""
    token = uuid.uuid4().hex
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=import_id).first()
        if job is None:
            return None
        stale = job.heartbeat_at is None or job.heartbeat_at < now - timedelta(seconds=conf.stale_seconds())
        if not (job.status == ImportStatus.QUEUED or (job.status == ImportStatus.RUNNING and (force or stale))):
            return job
        if job.dry_run and job.next_row:
            _reset(job)  # a dry run writes nothing but its findings: an interrupted one starts over
        job.status, job.claim, job.heartbeat_at = ImportStatus.RUNNING, token, now
        job.started_at = job.started_at or now
        job.save()
    try:
        with translation.override(job.language), context.acting("import"), bulk.collector_paused():
            ctx = build_context(job, dry_run=job.dry_run)
            ctx.state["on_batch"] = on_batch
            if not (job.rows_exact and job.total_rows is not None and job.next_row >= job.total_rows):
                _run_rows(job, ctx, token)
            _run_decisions(job, ctx, token)
            return _finish(job, ctx, token)
    except Superseded:
        logger.info("import %s: another process took over", import_id)
        return ImportJob.objects.get(pk=import_id)
    except DomainError as exc:
        return _fail(import_id, token, str(exc.message))
    except Exception:
        logger.exception("import %s failed", import_id)
        _fail(import_id, token, _("The import stopped because of an internal error; it can be resumed."))
        raise


def _fail(import_id: int, token: str, message: str) -> ImportJob:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().get(pk=import_id)
        if job.claim == token:
            job.status, job.error, job.claim, job.finished_at = ImportStatus.FAILED, message[:4000], "", timezone.now()
            job.save(update_fields=["status", "error", "claim", "finished_at"])
    return job


def _run_rows(job: ImportJob, ctx: Context, token: str) -> None:
    """The file's rows from the checkpoint on, batch by batch; each batch is read and checked a
    row at a time in the pauses of the one before (crm.imports.reading)."""
    if ctx.lookups is not None:
        ctx.lookups.load(spec for key, spec in ctx.fields.items() if key in ctx.mapped or key in ctx.defaults)
    rows = parsing.iter_rows(job.source.path, layout_of(job), start=job.next_row)
    reader = reading.Reader(job, ctx, rows, size=conf.batch_size())
    batch = reader.batch()
    while batch:
        ctx.spare = reader.step
        try:
            _commit(job, ctx, batch, token)
        finally:
            ctx.spare = None
        batch = reader.batch()


def _run_decisions(job: ImportJob, ctx: Context, token: str) -> None:
    """Waiting rows the user decided on (skip, update, create): written like any batch."""
    if ctx.dry_run:
        return
    while True:
        issues = list(
            ImportIssue.objects.filter(job=job, kind=IssueKind.DUPLICATE)
            .exclude(decision="")
            .order_by("row_index")[: conf.batch_size()]
        )
        if not issues:
            return
        saved_seen = ctx.seen
        ctx.seen = {}  # earlier rows are in the database by now
        batch = [make_row(job, i.row_index, i.row_number, i.values, policy=i.decision) for i in issues]
        ctx.type.clean(ctx, batch)
        _commit(job, ctx, batch, token, decisions=True)
        ctx.seen = saved_seen


def _write_safely(ctx: Context, rows: list[Row]) -> None:
    """Write a batch; when the database refuses it (a key taken meanwhile by another user's
    create), write row by row and reject only the rows it refuses."""
    seen = dict(ctx.seen)
    kept = [(dict(row.errors), dict(row.values)) for row in rows]
    try:
        with transaction.atomic():
            ctx.type.write(ctx, rows)
        return
    except IntegrityError as exc:
        logger.info("import batch refused by the database (%s); writing row by row", exc)
    ctx.seen = seen
    for row, (errors, values) in zip(rows, kept, strict=True):
        row.reset()
        row.errors, row.values = dict(errors), dict(values)
        try:
            with transaction.atomic():
                ctx.type.write(ctx, [row])
        except IntegrityError:
            row.reset()
            row.outcome = registry.REJECTED
            row.fail("", _("Conflicts with a record saved at the same moment; import this row again."))


def _commit(job: ImportJob, ctx: Context, rows: list[Row], token: str, *, decisions: bool = False) -> None:
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.claim != token or locked.status != ImportStatus.RUNNING:
            raise Superseded()
        if not decisions and locked.next_row > rows[0].index:
            raise Superseded()
        bulk.relaxed_commit()  # the checkpoint commits with the rows: a lost batch is resumed
        _write_safely(ctx, rows)
        counts = dict.fromkeys(_COUNTERS.values(), 0)
        issues = []
        for row in rows:
            if row.errors and row.outcome not in (registry.REJECTED,):
                row.outcome = registry.REJECTED
            if not row.outcome:
                row.outcome = registry.REJECTED
                row.fail("", _("Not imported."))
            counts[_COUNTERS[row.outcome]] += 1
            kind = ISSUE_KINDS.get(row.outcome)
            if kind is not None:
                issues.append(
                    ImportIssue(
                        job=locked,
                        row_index=row.index,
                        row_number=row.number,
                        kind=kind,
                        values=row.raw,
                        message=reason_text(ctx, row) if row.outcome == registry.REJECTED else row.message,
                        matches=row.matches,
                    )
                )
        if decisions:
            ImportIssue.objects.filter(job=locked, row_index__in=[row.index for row in rows]).delete()
            locked.waiting_count = max(0, locked.waiting_count - len(rows))
        ImportIssue.objects.bulk_create(issues, batch_size=1000)
        for name, count in counts.items():
            setattr(locked, name, getattr(locked, name) + count)
        if not decisions:
            locked.next_row = rows[-1].index + 1
        locked.heartbeat_at = timezone.now()
        locked.save(
            update_fields=[*_COUNTERS.values(), "next_row", "heartbeat_at"],
        )
    for name in [*_COUNTERS.values(), "next_row", "heartbeat_at"]:
        setattr(job, name, getattr(locked, name))
    ctx.type.committed(ctx, rows)
    if ctx.state.get("on_batch"):
        ctx.state["on_batch"](job)


def _finish(job: ImportJob, ctx: Context, token: str) -> ImportJob:
    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.claim != token:
            raise Superseded()
        if locked.dry_run:
            locked.status = ImportStatus.CHECKED
        else:
            locked.status = ImportStatus.WAITING if locked.waiting_count else ImportStatus.SUCCEEDED
        locked.total_rows, locked.rows_exact = max(locked.next_row, 0), True
        locked.claim, locked.finished_at = "", timezone.now()
        _write_rejects(locked)
        locked.save()
        if not locked.dry_run:
            entry = import_type(locked.record_type)
            audit_record(
                actor=locked.owner,
                action=AuditAction.IMPORT,
                instance=locked,
                object_repr=f"{entry.label} · {locked.original_name}",
                message=(
                    f"{locked.record_type} file={locked.original_name} created={locked.created_count} "
                    f"updated={locked.updated_count} skipped={locked.skipped_count} "
                    f"rejected={locked.rejected_count} waiting={locked.waiting_count}"
                ),
                changes={
                    "created": [None, locked.created_count],
                    "updated": [None, locked.updated_count],
                    "skipped": [None, locked.skipped_count],
                    "rejected": [None, locked.rejected_count],
                    "waiting": [None, locked.waiting_count],
                    "policy": [None, locked.policy],
                },
            )
    return locked


def _write_rejects(job: ImportJob) -> None:
    """The rejected rows as a file like the uploaded one, with an error column."""
    if job.rejects:
        job.rejects.delete(save=False)
    if not job.rejected_count:
        return
    issues = ImportIssue.objects.filter(job=job, kind=IssueKind.REJECTED).order_by("row_index")
    with translation.override(job.language):
        content = files.rejects_content(
            file_format=job.file_format,
            encoding=job.encoding,
            delimiter=job.delimiter,
            headers=job.headers,
            rows=((issue.values, issue.message) for issue in issues.iterator(chunk_size=2000)),
        )
        stem = Path(job.original_name).stem[:80] or "import"
        suffix = _("rejected rows")
        job.rejects.save(f"{stem}-{suffix}.{job.file_format}", ContentFile(content), save=False)


def rejects_path(job: ImportJob) -> str | None:
    return job.rejects.path if job.rejects else None


# --- decisions, cancel, resume -----------------------------------------------------------------------
def import_decide(
    *, actor, job: ImportJob, decisions: dict | None = None, everything: str = "", run: bool = True
) -> ImportJob:
    """What to do with rows waiting on a duplicate: per row {row index: skip|update|create}, or
    `everything` for all of them; then write them (a "create" a blocking rule forbids is rejected)."""
    allowed = (DuplicatePolicy.SKIP, DuplicatePolicy.UPDATE, DuplicatePolicy.CREATE)
    with transaction.atomic():
        job = _locked(actor, job)
        if job.status != ImportStatus.WAITING:
            raise Conflict(_("No rows of this import are waiting for a decision."), code="not_waiting")
        _require(actor, import_type(job.record_type))
        waiting = ImportIssue.objects.filter(job=job, kind=IssueKind.DUPLICATE)
        if everything:
            if everything not in allowed:
                raise ValidationFailed(fields={"decision": [_("Choose skip, update or create.")]})
            waiting.update(decision=everything)
        else:
            by_decision: dict[str, list[int]] = {}
            for index, decision in (decisions or {}).items():
                if decision in allowed:
                    by_decision.setdefault(decision, []).append(int(index))
            for decision, indices in by_decision.items():
                waiting.filter(row_index__in=indices).update(decision=decision)
        decided = waiting.exclude(decision="").count()
        if not decided:
            raise ValidationFailed(fields={"decision": [_("Choose what to do with at least one row.")]})
        job.status = ImportStatus.QUEUED
        job.dry_run = False
        inline = decided <= conf.inline_rows()
        if not inline:
            from crm.jobs.services import job_enqueue

            job.run = job_enqueue(name=JOB_NAME, triggered_by=actor, kwargs={"import_id": job.pk})
        job.save()
    if inline and run:
        return import_execute(job.pk)
    return job


@transaction.atomic
def import_cancel(*, actor, job: ImportJob) -> ImportJob:
    """Stop an import: rows already written stay; the running process stops before its next batch."""
    job = _locked(actor, job)
    if job.status in DONE_STATUSES:
        raise Conflict(_("This import has ended already."), code="done")
    job.status, job.claim, job.finished_at = ImportStatus.CANCELLED, "", timezone.now()
    job.save(update_fields=["status", "claim", "finished_at"])
    return job


def is_interrupted(job: ImportJob) -> bool:
    """Running, but its process has been silent too long (killed, restarted)."""
    if job.status != ImportStatus.RUNNING:
        return job.status == ImportStatus.FAILED and job.next_row > 0 and not job.dry_run
    limit = timezone.now() - timedelta(seconds=conf.stale_seconds())
    return job.heartbeat_at is None or job.heartbeat_at < limit


def import_resume(*, actor, job: ImportJob) -> ImportJob:
    """Continue an interrupted import from its checkpoint."""
    with transaction.atomic():
        job = _locked(actor, job)
        if not is_interrupted(job):
            raise Conflict(_("This import is not interrupted."), code="not_interrupted")
        _require(actor, import_type(job.record_type))
        job.status, job.claim, job.error = ImportStatus.QUEUED, "", ""
        from crm.jobs.services import job_enqueue

        job.run = job_enqueue(name=JOB_NAME, triggered_by=actor, kwargs={"import_id": job.pk})
        job.save()
    return job


def imports_recover(*, now=None) -> dict:
    """Scheduled: imports whose process died (silent while running) are queued again."""
    now = now or timezone.now()
    limit = now - timedelta(seconds=conf.stale_seconds())
    resumed = 0
    for job_id in ImportJob.objects.filter(status=ImportStatus.RUNNING, heartbeat_at__lt=limit).values_list(
        "pk", flat=True
    )[:20]:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if job.status != ImportStatus.RUNNING or (job.heartbeat_at and job.heartbeat_at >= limit):
                continue
            from crm.jobs.services import job_enqueue

            job.status, job.claim = ImportStatus.QUEUED, ""
            job.run = job_enqueue(name=JOB_NAME, triggered_by=job.owner, kwargs={"import_id": job.pk})
            job.save(update_fields=["status", "claim", "run"])
            resumed += 1
    return {"resumed": resumed}


def imports_cleanup(*, now=None) -> dict:
    """Scheduled: the files of imports finished long ago are deleted (their counts and log stay)."""
    now = now or timezone.now()
    old = ImportJob.objects.filter(
        created_at__lt=now - timedelta(days=conf.import_keep_days()),
        status__in=[*DONE_STATUSES, ImportStatus.MAPPING, ImportStatus.READY, ImportStatus.CHECKED],
    )
    removed = 0
    for job in old.exclude(source="").iterator():
        for stored in (job.source, job.rejects):
            if stored:
                stored.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(source="", rejects="")
        ImportIssue.objects.filter(job=job).delete()
        removed += 1
    return {"imports": removed}


# --- templates ------------------------------------------------------------------------------------------
def import_template(*, actor, record_type: str) -> tuple[bytes, str]:
    """An XLSX with the header row, an example row and a sheet explaining each column."""
    entry = import_type(record_type)
    _require(actor, entry)
    fields = [spec for spec in entry.writable_fields(actor) if not spec.identifies or spec.key == "external_id"]
    lookups = _lookups(actor, entry)
    examples = entry.example(actor)
    filled = []
    for spec in fields:
        example = examples.get(spec.key, spec.example)
        if not example and spec.kind == registry.DICTIONARY:
            entries = lookups.active_entries(spec.category)
            example = entries[0] if entries else ""
        filled.append(_with_example(spec, example))
    content = files.template_content(entry, filled, lookups)
    suffix = _("import template")
    return content, f"{entry.label}-{suffix}.xlsx"


def _with_example(spec, example: str):
    from dataclasses import replace

    return replace(spec, example=example)
