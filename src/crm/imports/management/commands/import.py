"""`crm import <type> <file> --as <username>`: import a CSV or XLSX file from the command line
(IMP-1), with the same checks, permissions, duplicate rules and audit log as the pages. The
process runs this import alone: the garbage collector pauses for it (ADR 0015)."""

import os

from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from crm.core import context
from crm.core.errors import DomainError
from crm.identity.models import User
from crm.imports import registry
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.selectors import saved_mapping_get
from crm.imports.services import lifecycle as service
from crm.imports.services import run

BAR = 30  # characters of the progress bar


class Command(BaseCommand):
    drawn = False  # a progress bar is on the terminal's current line
    help = (
        "Import customers, contacts, … from a CSV or XLSX file as a user. Prints the created, updated, skipped "
        "and rejected counts and the path of the rejects file; exit code 1 when rows were rejected or it failed."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "record_type", nargs="?", help="What the file holds: " + ", ".join(e.code for e in registry.all_types())
        )
        parser.add_argument("file", nargs="?", help="The CSV or XLSX file")
        parser.add_argument("--as", dest="username", required=True, help="Import as this user (their rights apply)")
        parser.add_argument(
            "--mapping", help="A mapping the user saved (by name); default: headers matched automatically"
        )
        parser.add_argument(
            "--duplicates",
            choices=["skip", "update", "create", "ask"],
            help="What to do with duplicates (default skip)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check every row, save nothing")
        parser.add_argument(
            "--set",
            action="append",
            default=[],
            metavar="FIELD=VALUE",
            help="Value for rows without one, e.g. level=重要客户",
        )
        parser.add_argument("--resume", type=int, metavar="ID", help="Resume the interrupted import ID")

    def handle(
        self,
        *args,
        record_type=None,
        file=None,
        username="",
        mapping=None,
        duplicates=None,
        dry_run=False,
        resume=None,
        **options,
    ):
        user = User.objects.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"no active user {username!r}")
        with context.acting("command"), run.collector_paused():
            try:
                job = (
                    self._resume(user, resume)
                    if resume
                    else self._new(user, record_type, file, mapping, duplicates, dry_run, options["set"])
                )
            except DomainError as exc:
                details = "; ".join(str(m) for ms in exc.fields.values() for m in ms)
                raise CommandError(
                    str(exc.message) + (f" ({details})" if details and details != str(exc.message) else "")
                ) from exc
        self._report(job)

    def _new(self, user, record_type, path, mapping_name, duplicates, dry_run, settings):
        if not record_type or not path:
            raise CommandError("give the record type and the file, e.g. crm import customers 客户.xlsx --as admin")
        if not os.path.isfile(path):
            raise CommandError(f"no such file: {path}")
        with open(path, "rb") as handle:
            job = service.import_create(
                actor=user, record_type=record_type, upload=File(handle, name=os.path.basename(path))
            )
        self.stdout.write(
            f"import {job.pk}: {job.original_name}, {job.total_rows or 0} rows, header in row {job.header_row}"
        )
        self.stdout.flush()
        if mapping_name:
            saved = saved_mapping_get(user=user, name=mapping_name, record_type=job.record_type)
            job = service.import_apply_saved(actor=user, job=job, saved=saved)
        defaults = dict(job.defaults)
        for item in settings:
            field, separator, value = item.partition("=")
            if not separator:
                raise CommandError(f"--set needs FIELD=VALUE, not {item!r}")
            defaults[field.strip()] = value.strip()
        job = service.import_map(
            actor=user, job=job, mapping=job.mapping, defaults=defaults, policy=duplicates or job.policy
        )
        mapped = {int(c) for c in job.mapping}
        ignored = [header for position, header in enumerate(job.headers) if position not in mapped]
        fields = {spec.key: spec.label for spec in run.import_type(job.record_type).fields()}
        self.stdout.write(
            "columns: " + ", ".join(f"{job.headers[int(c)]} -> {fields.get(k, k)}" for c, k in job.mapping.items())
        )
        if ignored:
            self.stdout.write("ignored: " + ", ".join(ignored))
        self.stdout.flush()
        return service.import_start(actor=user, job=job, dry_run=dry_run, background=False, on_batch=self._progress)

    def _resume(self, user, import_id):
        if not ImportJob.objects.filter(pk=import_id, owner=user).exists():
            raise CommandError(f"no import {import_id} of {user.username}")
        self.stdout.write(f"import {import_id}: resuming")
        return run.import_execute(import_id, force=True, on_batch=self._progress)

    def _progress(self, job):
        """On a terminal a bar redrawn in place, `[#####.....] 1,300 / 13,001 rows`; else a line per batch."""
        done, total = job.next_row, job.total_rows or 0
        counts = f"{done:,} / {total:,} rows" if total else f"{done:,} rows"
        if self.stdout.isatty():
            filled = min(BAR, done * BAR // total) if total else 0
            self.stdout.write(f"\r[{'#' * filled}{'.' * (BAR - filled)}] {counts}", ending="")
            self.drawn = True
        else:
            self.stdout.write(counts)
        self.stdout.flush()

    def _report(self, job):
        if self.drawn:
            self.stdout.write("")
        job.refresh_from_db()
        self.stdout.write(
            f"import {job.pk} {job.record_type} {job.original_name}: {job.status}{' (dry run)' if job.dry_run else ''}"
        )
        self.stdout.write(
            f"created {job.created_count}  updated {job.updated_count}  skipped {job.skipped_count}  "
            f"rejected {job.rejected_count}  waiting {job.waiting_count}"
        )
        if job.rejects:
            self.stdout.write(f"rejects: {run.rejects_path(job)}")
        if job.error:
            self.stderr.write(job.error)
        if job.status == ImportStatus.FAILED or job.rejected_count:
            raise SystemExit(1)
