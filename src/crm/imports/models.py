"""Imports (IMP-1), their rejected and waiting rows, saved column mappings, and background
exports (IMP-2). Files live under MEDIA_ROOT, so backups (IMP-4) carry them."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def _import_path(instance, filename: str) -> str:
    return f"imports/{instance.token}/{filename}"


def _export_path(instance, filename: str) -> str:
    return f"exports/{instance.token}/{filename}"


class ImportStatus(models.TextChoices):
    MAPPING = "mapping", _("Map the columns")
    READY = "ready", _("Ready to import")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    CHECKED = "checked", _("Dry run finished")
    WAITING = "waiting", _("Waiting for your decisions")
    SUCCEEDED = "succeeded", _("Finished")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE_STATUSES = (ImportStatus.QUEUED, ImportStatus.RUNNING)
DONE_STATUSES = (ImportStatus.SUCCEEDED, ImportStatus.FAILED, ImportStatus.CANCELLED)


class DuplicatePolicy(models.TextChoices):
    SKIP = "skip", _("Skip the row")
    UPDATE = "update", _("Update the existing record")
    CREATE = "create", _("Create anyway")
    ASK = "ask", _("Ask me row by row")


class ImportJob(models.Model):
    """One uploaded file on its way in: analysed, mapped, previewed, run (perhaps dry first).

    `next_row` is the checkpoint: the data rows before it are done. Every batch of rows is
    written together with the new checkpoint and counts in one transaction, so a run killed
    mid-file resumes at the checkpoint: no half row, no row twice. `claim` names the process
    running it; a batch commits only while its process still holds the claim.
    """

    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(_("record type"), max_length=30)
    status = models.CharField(_("status"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.MAPPING)
    source = models.FileField(_("file"), upload_to=_import_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    file_format = models.CharField(_("format"), max_length=10)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    delimiter = models.CharField(max_length=4, blank=True)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    header_row = models.PositiveIntegerField(_("header row"), default=1)
    data_start = models.PositiveIntegerField(default=2)  # the row number the data start at
    headers = models.JSONField(default=list, blank=True)
    samples = models.JSONField(default=list, blank=True)  # a few data rows for the mapping page
    merges = models.JSONField(default=list, blank=True)  # merged ranges below the header (XLSX)
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    rows_exact = models.BooleanField(default=False)
    mapping = models.JSONField(default=dict, blank=True)  # {"column index": "field key"}
    defaults = models.JSONField(default=dict, blank=True)  # {"field key": "value for rows without one"}
    policy = models.CharField(
        _("duplicates"), max_length=10, choices=DuplicatePolicy.choices, default=DuplicatePolicy.SKIP
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    language = models.CharField(max_length=10, default="zh-hans")
    next_row = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    skipped_count = models.PositiveIntegerField(_("skipped"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)
    waiting_count = models.PositiveIntegerField(_("waiting"), default=0)
    rejects = models.FileField(upload_to=_import_path, max_length=300, blank=True)
    run = models.ForeignKey("jobs.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    claim = models.CharField(max_length=32, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [
            models.Index(fields=["owner", "-id"], name="import_owner_idx"),
            models.Index(fields=["status", "heartbeat_at"], name="import_status_idx"),
            models.Index(fields=["finished_at"], name="import_finished_idx"),
        ]

    def __str__(self) -> str:
        return self.original_name

    @property
    def processed(self) -> int:
        return self.next_row

    @property
    def record_type_label(self) -> str:
        from crm.imports import registry

        return str(registry.get(self.record_type).label) if registry.exists(self.record_type) else self.record_type

    @property
    def percent(self) -> int:
        if self.status in (ImportStatus.SUCCEEDED, ImportStatus.CHECKED, ImportStatus.WAITING):
            return 100
        if not self.total_rows:
            return 0
        return max(0, min(99, int(self.next_row * 100 / self.total_rows)))

    @property
    def active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES


class IssueKind(models.TextChoices):
    REJECTED = "rejected", _("Rejected")
    DUPLICATE = "duplicate", _("Waiting: possible duplicate")


class ImportIssue(models.Model):
    """A row that was not imported: rejected (with the reasons), or waiting for the user to
    decide what to do with a duplicate. Written in the same transaction as its batch."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="issues")
    row_index = models.PositiveIntegerField()
    row_number = models.PositiveIntegerField(_("row"))
    kind = models.CharField(max_length=10, choices=IssueKind.choices)
    values = models.JSONField(default=list)  # the row's cells as in the file
    message = models.TextField(_("reason"), blank=True)
    matches = models.JSONField(default=list, blank=True)  # what the row may duplicate
    decision = models.CharField(max_length=10, choices=DuplicatePolicy.choices, blank=True)

    class Meta:
        ordering = ["row_index"]
        constraints = [models.UniqueConstraint(fields=["job", "row_index"], name="import_issue_row_unique")]
        indexes = [models.Index(fields=["job", "kind", "row_index"], name="import_issue_kind_idx")]

    def __str__(self) -> str:
        return f"{self.job_id}:{self.row_number}"


class SavedMapping(models.Model):
    """A user's named column mapping for one record type, by header text, reused on later files."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(max_length=30)
    name = models.CharField(_("name"), max_length=50)
    columns = models.JSONField(default=dict)  # {"normalised header": "field key"}
    defaults = models.JSONField(default=dict, blank=True)
    policy = models.CharField(max_length=10, choices=DuplicatePolicy.choices, default=DuplicatePolicy.SKIP)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "record_type", "name"], name="saved_mapping_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class ExportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Ready")
    FAILED = "failed", _("Failed")


class ExportJob(models.Model):
    """A large export made in the background (IMP-2): the file is kept for a while, for its owner."""

    token = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    record_type = models.CharField(_("record type"), max_length=30)
    file_format = models.CharField(_("format"), max_length=10)
    params = models.TextField(blank=True)  # the list's query string: filters, conditions, columns
    language = models.CharField(max_length=10, default="zh-hans")
    status = models.CharField(_("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED)
    rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    file = models.FileField(upload_to=_export_path, max_length=300, blank=True)
    run = models.ForeignKey("jobs.JobRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("kept until"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["owner", "-id"], name="export_owner_idx"),
            models.Index(fields=["expires_at"], name="export_expires_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.record_type}.{self.file_format}"

    @property
    def filename(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""
