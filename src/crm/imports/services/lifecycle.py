"""An import's life around its run (IMP-1): upload and analysis, mapping and saved mappings,
preview, start, decisions on duplicates, cancel and resume, the scheduled recovery and clean-up,
and the template. The run itself: crm.imports.services.run.
"""

from dataclasses import replace
from datetime import timedelta
from itertools import islice
from pathlib import Path

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.core.uploads import check_upload, extension
from crm.imports import conf, files, parsing, registry
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
from crm.imports.registry import Context
from crm.imports.services.run import (
    JOB_NAME,
    build_context,
    import_execute,
    import_type,
    is_dead,
    layout_of,
    reason_text,
    require_import,
    reset_progress,
)
from crm.imports.values import Lookups, convert
from crm.jobs.services import job_enqueue

PREVIEW_ROWS = 20
EDITABLE_STATUSES = (ImportStatus.MAPPING, ImportStatus.READY, ImportStatus.CHECKED)


def _own(actor, job: ImportJob) -> ImportJob:
    if job.owner_id != getattr(actor, "pk", None):
        raise NotFound()
    return job


def _locked(actor, job: ImportJob) -> ImportJob:
    return _own(actor, ImportJob.objects.select_for_update().get(pk=job.pk))


def import_create(*, actor, record_type: str, upload) -> ImportJob:
    """Store an uploaded file and analyse it: format, encoding, sheet, header row, columns; the
    columns are matched to fields automatically. Raises with a clear message for files over the
    size limit (413), of another kind, or that are no readable spreadsheet."""
    entry = import_type(record_type)
    require_import(actor, entry)
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


def _check_defaults(actor, entry, fields: dict, defaults: dict) -> dict:
    """The defaults as text, checked: {field: value} for rows without one."""
    lookups = lookups_for(actor, entry)
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


def lookups_for(actor, entry) -> Lookups:
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
    require_import(actor, entry)
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


def import_preview(*, actor, job: ImportJob, limit: int = PREVIEW_ROWS) -> dict:
    """The first rows as they will be stored, with what will happen to each (nothing is written)."""
    _own(actor, job)
    ctx = build_context(job, dry_run=True)
    rows = [
        make_row(job, index, number, cells)
        for index, number, cells in islice(parsing.iter_rows(job.source.path, layout_of(job)), limit)
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


def import_start(
    *, actor, job: ImportJob, dry_run: bool = False, background: bool | None = None, on_batch=None
) -> ImportJob:
    """Run the import (or a dry run of it): small files right away, big ones in the background
    (background=False: always right here, as the command line does)."""
    with transaction.atomic():
        job = _locked(actor, job)
        if job.status not in (ImportStatus.READY, ImportStatus.CHECKED):
            raise Conflict(_("Map the columns first, or wait for the running import."), code="not_ready")
        require_import(actor, import_type(job.record_type))
        reset_progress(job)
        job.dry_run = dry_run
        job.status = ImportStatus.QUEUED
        job.language = translation.get_language() or job.language
        if background is None:  # a workbook without a size record might be big: background then
            inline = job.total_rows is not None and job.total_rows <= conf.inline_rows()
        else:
            inline = not background
        if not inline:
            job.run = job_enqueue(name=JOB_NAME, triggered_by=actor, kwargs={"import_id": job.pk})
        job.save()
    if inline:
        return import_execute(job.pk, on_batch=on_batch)
    return job


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
        require_import(actor, import_type(job.record_type))
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
    """Running, but its process is gone (run.is_dead); or failed part-way: either resumes."""
    if job.status != ImportStatus.RUNNING:
        return job.status == ImportStatus.FAILED and job.next_row > 0 and not job.dry_run
    return is_dead(job)


def import_resume(*, actor, job: ImportJob) -> ImportJob:
    """Continue an interrupted import from its checkpoint."""
    with transaction.atomic():
        job = _locked(actor, job)
        if not is_interrupted(job):
            raise Conflict(_("This import is not interrupted."), code="not_interrupted")
        require_import(actor, import_type(job.record_type))
        job.status, job.claim, job.error = ImportStatus.QUEUED, "", ""
        job.run = job_enqueue(name=JOB_NAME, triggered_by=actor, kwargs={"import_id": job.pk})
        job.save()
    return job


def imports_recover(*, now=None) -> dict:
    """Scheduled: imports whose process died (silent while running) are queued again."""
    resumed = 0
    for job_id in ImportJob.objects.filter(status=ImportStatus.RUNNING).values_list("pk", flat=True)[:50]:
        with transaction.atomic():
            job = ImportJob.objects.select_for_update().get(pk=job_id)
            if not is_dead(job):
                continue
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


def import_template(*, actor, record_type: str) -> tuple[bytes, str]:
    """An XLSX with the header row, an example row and a sheet explaining each column."""
    entry = import_type(record_type)
    require_import(actor, entry)
    fields = [spec for spec in entry.writable_fields(actor) if not spec.identifies or spec.key == "external_id"]
    lookups = lookups_for(actor, entry)
    examples = entry.example(actor)
    filled = []
    for spec in fields:
        example = examples.get(spec.key, spec.example)
        if not example and spec.kind == registry.DICTIONARY:
            entries = lookups.active_entries(spec.category)
            example = entries[0] if entries else ""
        filled.append(replace(spec, example=example))
    content = files.template_content(entry, filled, lookups)
    suffix = _("import template")
    return content, f"{entry.label}-{suffix}.xlsx"
