"""The job-run log: one row per run of a background job, manual or scheduled."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils.translation import gettext_lazy as _


class JobRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


FINISHED_STATUSES = (JobRunStatus.SUCCEEDED, JobRunStatus.FAILED)


class JobRunQuerySet(models.QuerySet):
    def finished(self) -> "JobRunQuerySet":
        return self.filter(status__in=FINISHED_STATUSES)

    def unfinished(self) -> "JobRunQuerySet":
        return self.filter(status__in=(JobRunStatus.QUEUED, JobRunStatus.RUNNING))

    def for_job(self, name: str) -> "JobRunQuerySet":
        return self.filter(job=name)

    def latest_per_job(self, names) -> dict[str, "JobRun"]:
        """The newest run of each named job, in two queries whatever the number of runs."""
        latest_ids = self.filter(job__in=list(names)).values("job").annotate(last=models.Max("id")).values("last")
        return {run.job: run for run in self.model.objects.filter(pk__in=latest_ids).select_related("triggered_by")}


class JobRun(models.Model):
    job = models.CharField(_("job"), max_length=100)
    status = models.CharField(_("status"), max_length=20, choices=JobRunStatus.choices, default=JobRunStatus.QUEUED)
    # The schedule slot this run stands for (None for runs started by hand or by code): one slot
    # runs once, however many schedulers race for it.
    scheduled_for = models.DateTimeField(_("scheduled for"), null=True, blank=True)
    kwargs = models.JSONField(_("arguments"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    result = models.JSONField(_("result"), null=True, blank=True, encoder=DjangoJSONEncoder)
    error = models.TextField(_("error"), blank=True)
    triggered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    duration = models.DurationField(_("duration"), null=True, blank=True)

    objects = JobRunQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("job run")
        verbose_name_plural = _("job runs")
        constraints = [models.UniqueConstraint(fields=["job", "scheduled_for"], name="jobs_run_slot_unique")]
        indexes = [
            models.Index(fields=["job", "-id"], name="jobs_run_job_idx"),
            models.Index(fields=["status", "-id"], name="jobs_run_status_idx"),
            models.Index(fields=["created_at"], name="jobs_run_created_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.job} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status in FINISHED_STATUSES

    @property
    def duration_seconds(self) -> float | None:
        return None if self.duration is None else round(self.duration.total_seconds(), 3)
