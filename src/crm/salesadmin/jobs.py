"""Daily reminder for missing work reports (SADM-2): whoever may write reports and has none
submitted for the last completed week or month is reminded once per period; the reminder is
claimed by inserting a unique row, so parallel or repeated runs send it once."""

import datetime

from celery.schedules import crontab
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.access.engine import users_with_function
from crm.identity.models import User
from crm.jobs.registry import job
from crm.notifications.services import notify
from crm.salesadmin.models import ReportKind, ReportReminder, ReportStatus, WorkReport
from crm.salesadmin.periods import last_completed
from crm.salesadmin.permissions import REPORT


def writers():
    """Active users holding the function to write reports through one of their roles."""
    return users_with_function(f"{REPORT}.create", User.objects.filter(is_active=True))


def _remind(kind: str, today: datetime.date) -> int:
    period = last_completed(kind, today)
    written = WorkReport.objects.filter(kind=kind, period_start=period.start).exclude(status=ReportStatus.DRAFT)
    missing = writers().exclude(pk__in=written.values("author_id")).exclude(
        pk__in=ReportReminder.objects.filter(kind=kind, period_start=period.start).values("user_id"))
    sent = 0
    for user in missing.iterator(chunk_size=500):
        try:
            with transaction.atomic():
                ReportReminder.objects.create(user=user, kind=kind, period_start=period.start)
        except IntegrityError:
            continue  # another run claimed it
        label = ReportKind(kind).label
        notify(
            recipients=[user],
            title=_("%(kind)s missing: %(start)s – %(end)s")
            % {"kind": label, "start": period.start.isoformat(), "end": period.end.isoformat()},
            body=_("Please write and submit it."),
            link=reverse("salesadmin:report_create") + f"?kind={kind}&period_start={period.start.isoformat()}",
            kind="report",
        )
        sent += 1
    return sent


@job(name="salesadmin.remind_reports", label=gettext_lazy("Remind salespeople of missing weekly and monthly reports"),
     schedule=crontab(minute=30, hour=9))
def remind_reports(run, today=None, **kwargs):
    today = timezone.localdate() if today is None else datetime.date.fromisoformat(str(today))
    return {kind: _remind(kind, today) for kind in ReportKind.values}
