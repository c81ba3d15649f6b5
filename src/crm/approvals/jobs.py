"""Approval jobs: reminders for overdue approvals (each task reminded once), and the webhook a
flow may call after approval (POSTed once, signed, with a short timeout, never following redirects)."""

import hashlib
import hmac
import json
import urllib.error
import urllib.request
from datetime import timedelta

from celery.schedules import crontab
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crm.approvals.models import Approval, ApprovalTask, Flow, TaskState
from crm.jobs.registry import job
from crm.jobs.services import job_enqueue
from crm.notifications.services import notify

WEBHOOK_TIMEOUT = 5
WEBHOOK = "approvals.webhook"


@job(name="approvals.remind", label=gettext_lazy("Remind approvers of overdue approvals"),
     schedule=crontab(minute=15))
def remind(run, now=None, **kwargs):
    """Every pending task older than its flow's reminder period, not yet reminded: one reminder."""
    now = timezone.now() if now is None else now
    sent = 0
    for hours in Flow.objects.values_list("remind_after_hours", flat=True).distinct():
        due = ApprovalTask.objects.filter(
            state=TaskState.PENDING,
            reminded_at=None,
            approval__flow__remind_after_hours=hours,
            activated_at__lt=now - timedelta(hours=hours),
        ).select_related("approval", "approver")
        for task in due.iterator(chunk_size=500):
            # Claimed by a conditional UPDATE, so two runs never remind the same task twice.
            if not ApprovalTask.objects.filter(pk=task.pk, reminded_at=None, state=TaskState.PENDING).update(
                reminded_at=now
            ):
                continue
            notify(
                recipients=[task.approver],
                title=_("Overdue approval: %(title)s") % {"title": task.approval.title},
                link=reverse("approvals:detail", args=[task.approval_id]),
                kind="approval",
            )
            sent += 1
    return {"reminded": sent}


def webhook_enqueue(approval: Approval) -> None:
    job_enqueue(name=WEBHOOK, kwargs={"approval": approval.pk})


def webhook_body(approval: Approval) -> bytes:
    return json.dumps(
        {
            "event": "approval.approved",
            "approval": approval.pk,
            "document_type": approval.document_type,
            "object_id": approval.object_id,
            "title": approval.title,
            "amount": None if approval.amount is None else str(approval.amount),
            "submitter": approval.submitter.username,
            "decided_at": approval.decided_at.isoformat() if approval.decided_at else None,
        },
        ensure_ascii=False,
    ).encode()


def signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@job(name=WEBHOOK, label=gettext_lazy("Call an approval flow's webhook"))
def webhook(run, approval=None, **kwargs):
    row = Approval.objects.select_related("flow", "submitter").filter(pk=approval).first()
    if row is None or not row.flow.webhook_url:
        return {"sent": False}
    body = webhook_body(row)
    request = urllib.request.Request(  # noqa: S310 (http or https, checked when the flow was saved)
        row.flow.webhook_url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-CRM-Event": "approval.approved",
            "X-CRM-Signature": signature(row.flow.webhook_secret, body),
        },
    )
    opener = urllib.request.build_opener(_NoRedirects)
    try:
        with opener.open(request, timeout=WEBHOOK_TIMEOUT) as response:
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except (urllib.error.URLError, OSError) as error:
        return {"sent": False, "error": str(error)[:200]}
    return {"sent": 200 <= status < 300, "status": status}

