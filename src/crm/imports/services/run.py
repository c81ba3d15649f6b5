"""Running an import (IMP-1): reading the file from its checkpoint, checking and writing it batch
by batch, then the rows decided on after "ask", the rejects file and the audit entry.

Each batch's rows, its rejected rows, the new checkpoint (the next row's index) and the counts are
written in one transaction. A batch commits only while this process still holds the import's
claim, so a run killed mid-file resumes at the checkpoint, and a second process claiming the
import makes the first stop before its next batch: no half row, no row twice. Before and around
the run (upload, mapping, start, cancel, resume): crm.imports.services.lifecycle.
"""

import contextlib
import gc
import hashlib
import logging
import os
import socket
import uuid
from datetime import timedelta
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import IntegrityError, connections, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import audit_record
from crm.core import bulk, context
from crm.core.errors import DomainError, NotFound, ValidationFailed
from crm.imports import conf, files, parsing, reading, registry
from crm.imports.models import ImportIssue, ImportJob, ImportStatus, IssueKind
from crm.imports.reading import make_row
from crm.imports.registry import Context, Row
from crm.imports.values import convert

logger = logging.getLogger(__name__)
JOB_NAME = "imports.run"
ISSUE_KINDS = {registry.REJECTED: IssueKind.REJECTED, registry.WAITING: IssueKind.DUPLICATE}
_COUNTERS = {
    registry.CREATED: "created_count",
    registry.UPDATED: "updated_count",
    registry.SKIPPED: "skipped_count",
    registry.REJECTED: "rejected_count",
    registry.WAITING: "waiting_count",
}


class Superseded(Exception):
    """Another process claimed the import (or it was cancelled): this one stops."""


def import_type(code: str) -> registry.ImportType:
    try:
        return registry.get(code)
    except KeyError as exc:
        raise NotFound(_("There is no record type “%(code)s” to import.") % {"code": code}) from exc


def require_import(actor, entry: registry.ImportType):
    access = access_for(actor)
    entry.check_access(access)
    return access


def layout_of(job: ImportJob) -> parsing.Layout:
    names = ("file_format", "encoding", "delimiter", "sheet", "header_row", "data_start", "headers", "merges")
    return parsing.Layout(**{name: getattr(job, name) for name in names})


def build_context(job: ImportJob, *, dry_run: bool) -> Context:
    entry = import_type(job.record_type)
    actor = job.owner
    access = require_import(actor, entry)
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


def reset_progress(job: ImportJob) -> None:
    job.next_row = 0
    job.created_count = job.updated_count = job.skipped_count = job.rejected_count = job.waiting_count = 0
    job.error = ""
    job.started_at = job.finished_at = None
    job.issues.all().delete()
    if job.rejects:
        job.rejects.delete(save=False)


def import_execute(import_id: int, *, force: bool = False, on_batch=None) -> ImportJob | None:
    """Run (or resume) an import in this process: the job body, `crm import` and small uploads.

    Claims the import when it is queued, or running but silent for CRM_IMPORT_STALE_SECONDS (its
    process died), or always with force=True (the caller knows the other process is gone; even
    if it is not, it stops at its next batch)."""
    token = f"{_HOST}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    now = timezone.now()
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().filter(pk=import_id).first()
        if job is None:
            return None
        if not (job.status == ImportStatus.QUEUED or (job.status == ImportStatus.RUNNING and (force or is_dead(job)))):
            return job
        if job.dry_run and job.next_row:
            reset_progress(job)  # a dry run writes nothing but its findings: an interrupted one starts over
        job.status, job.claim, job.heartbeat_at = ImportStatus.RUNNING, token, now
        job.started_at = job.started_at or now
        job.save()
    try:
        with translation.override(job.language), context.acting("import"):
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


# The claim names the process running an import (host, pid), so that a process that died on this
# machine (killed, out of memory) is known at once, not only when its heartbeat has gone stale.
_HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:8]


def is_dead(job: ImportJob) -> bool:
    """A running import whose process is gone: it died on this machine, or has been silent for
    CRM_IMPORT_STALE_SECONDS (killed elsewhere, restarted)."""
    if job.status != ImportStatus.RUNNING:
        return False
    if job.heartbeat_at is None or job.heartbeat_at < timezone.now() - timedelta(seconds=conf.stale_seconds()):
        return True
    host, _sep, rest = job.claim.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)  # signal 0: is there such a process
    except ProcessLookupError:
        return True
    except PermissionError:  # there is, someone else's
        return False
    return False


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
        with bulk.between_rows(reader.step):  # the next batch, read while the database takes this one
            _commit(job, ctx, batch, token)
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
        relaxed_commit()  # the checkpoint commits with the rows: a lost batch is resumed
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
        locked.save(update_fields=[*_COUNTERS.values(), "next_row", "heartbeat_at"])
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
            counts = {outcome: getattr(locked, name) for outcome, name in _COUNTERS.items()}
            audit_record(
                actor=locked.owner,
                action=AuditAction.IMPORT,
                instance=locked,
                object_repr=f"{entry.label} · {locked.original_name}",
                message=f"{locked.record_type} file={locked.original_name} "
                + " ".join(f"{outcome}={count}" for outcome, count in counts.items()),
                changes={
                    **{outcome: [None, count] for outcome, count in counts.items()},
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


# --- speed devices of the run (ADR 0015), for it alone --------------------------------------------
@contextlib.contextmanager
def collector_paused():
    """Run imports with Python's cyclic garbage collector off. An import makes millions of
    short-lived objects while it holds a growing map of the rows it has seen, and the collector
    would walk that map again and again: a fifth of its time. Its objects form no cycles
    (reference counting frees them); whatever cycles there are wait for the collector, which the
    outermost pause turns on again. The collector is the process's: pause it only where the
    process runs imports alone, the `crm import` command and a Celery worker (crm.imports.tasks),
    never in the web process (ADR 0015)."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def relaxed_commit(using: str = "default") -> None:
    """Let the current transaction's COMMIT return before its WAL reaches the disk (PostgreSQL's
    synchronous_commit = off, for this transaction only). For batches that carry their own
    checkpoint: a server crash may lose the last fraction of a second of batches, and the import
    then resumes at the last batch that did reach the disk; nothing is half-written. Elsewhere
    a no-op."""
    connection = connections[using]
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
