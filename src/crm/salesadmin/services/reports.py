"""Weekly and monthly work reports 销售周报/月报 (SADM-2): the writer's summary and plan beside the
period's figures, counted from the records and kept as they were when submitted; the superior
comments and scores."""

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_update
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.salesadmin import figures
from crm.salesadmin.models import ReportKind, ReportStatus, WorkReport
from crm.salesadmin.periods import month, week
from crm.salesadmin.permissions import REPORT
from crm.salesadmin.services.common import score_of, text


def report_period(kind: str, day):
    if kind not in ReportKind.values:
        raise ValidationFailed(fields={"kind": [_("Choose a weekly or a monthly report.")]})
    if not isinstance(day, datetime.date):
        raise ValidationFailed(fields={"period_start": [_("Choose the week or month the report is about.")]})
    period = week(day) if kind == ReportKind.WEEK else month(day)
    if period.start > timezone.localdate():
        raise ValidationFailed(fields={"period_start": [_("The period has not started yet.")]})
    return period


def report_figures(user_id: int, period) -> dict:
    """The period's figures as JSON-safe text (money as decimal strings)."""
    found = figures.of_person(figures.REPORTED, period, user_id)
    return {key: str(value) for key, value in found.items()}


def _texts(data: dict) -> dict:
    summary = text(data.get("summary"), 5000)
    if not summary:
        raise ValidationFailed(fields={"summary": [_("Write a summary of the period.")]})
    return {"summary": summary, "plan": text(data.get("plan"), 5000)}


@transaction.atomic
def report_create(*, actor, kind: str, period_start, data: dict, submit: bool = False) -> WorkReport:
    access_for(actor).require(f"{REPORT}.create")
    period = report_period(kind, period_start)
    report = WorkReport(author=actor, kind=kind, period_start=period.start, period_end=period.end, **_texts(data))
    report.figures = report_figures(actor.pk, period)
    if submit:
        report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(_("You have already written the report for this period; open it to change it."),
                       code="duplicate") from None
    audit_create(actor=actor, instance=report, fields=["kind", "period_start", "status"])
    return report


@transaction.atomic
def report_update(*, actor, report: WorkReport, data: dict, submit: bool = False) -> WorkReport:
    """The author changes a draft, and may submit it; the figures are counted again."""
    access_for(actor).check(REPORT, "view", report)
    if report.author_id != actor.pk:
        raise PermissionDenied(_("Only the author changes a report."))
    values = _texts(data)
    values["figures"] = report_figures(actor.pk, month(report.period_start) if report.kind == ReportKind.MONTH
                                       else week(report.period_start))
    if submit:
        values.update(status=ReportStatus.SUBMITTED, submitted_at=timezone.now())
    if not WorkReport.objects.filter(pk=report.pk, status=ReportStatus.DRAFT).update(**values):
        raise Conflict(_("A submitted report cannot change."), code="submitted")
    audit_update(actor=actor, instance=report, changes={"status": [report.status, values.get("status", report.status)]})
    report.refresh_from_db()
    return report


@transaction.atomic
def report_review(*, actor, report: WorkReport, score, comment: str) -> WorkReport:
    """The superior reads, comments and scores a submitted report (again, to correct it)."""
    access_for(actor).require(f"{REPORT}.review")
    access_for(actor).check(REPORT, "view", report)
    if report.author_id == actor.pk:
        raise PermissionDenied(_("Your superior scores your own reports."))
    values = {"score": score_of(score), "comment": text(comment, 2000), "reviewer": actor,
              "reviewed_at": timezone.now(), "status": ReportStatus.REVIEWED}
    updated = WorkReport.objects.filter(
        pk=report.pk, status__in=(ReportStatus.SUBMITTED, ReportStatus.REVIEWED)).update(**values)
    if not updated:
        raise Conflict(_("Only a submitted report can be scored."), code="not_submitted")
    audit_update(actor=actor, instance=report, changes={"score": [report.score, values["score"]]})
    report.refresh_from_db()
    return report
