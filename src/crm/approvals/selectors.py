"""Reading approvals: the inbox's four boxes and one approval, only for those in its chain."""

from django.db.models import QuerySet

from crm.approvals.models import Approval, ApprovalCc, ApprovalStatus, ApprovalTask, TaskState
from crm.approvals.services import participant_filter
from crm.core.errors import NotFound

BOXES = ("waiting", "done", "submitted", "cc")
DONE_STATES = (TaskState.APPROVED, TaskState.REJECTED, TaskState.RETURNED)


def inbox(*, user, box: str) -> QuerySet:
    """waiting: tasks for me to decide; done: tasks I decided; submitted: my approvals; cc: copied to me.
    Each box is one indexed walk of the user's rows, newest first."""
    if box == "waiting":
        return (
            ApprovalTask.objects.filter(approver=user, state=TaskState.PENDING)
            .select_related("approval", "approval__submitter")
            .order_by("-id")
        )
    if box == "done":
        return (
            ApprovalTask.objects.filter(approver=user, state__in=DONE_STATES)
            .select_related("approval", "approval__submitter")
            .order_by("-id")
        )
    if box == "cc":
        return ApprovalCc.objects.filter(user=user).select_related("approval", "approval__submitter").order_by("-id")
    return Approval.objects.filter(submitter=user).select_related("submitter").order_by("-id")


def waiting_count(user) -> int:
    return ApprovalTask.objects.filter(approver=user, state=TaskState.PENDING).count()


def approval_get(*, user, pk) -> Approval:
    """An approval its participants see; for everyone else it does not exist."""
    approval = (
        Approval.objects.filter(participant_filter(user), pk=pk).select_related("submitter", "flow").first()
    )
    if approval is None:
        raise NotFound()
    return approval


def my_open_task(*, user, approval: Approval) -> ApprovalTask | None:
    if approval.status != ApprovalStatus.PENDING:
        return None
    return ApprovalTask.objects.filter(approval=approval, approver=user, state=TaskState.PENDING).first()


def steps_view(approval: Approval) -> list[dict]:
    """The plan with each step's tasks, for the progress shown on the approval."""
    tasks = list(approval.tasks.select_related("approver", "added_by").order_by("step", "seq", "id"))
    steps = []
    for index, step in enumerate(approval.plan):
        steps.append(
            {
                "index": index,
                "name": step["name"],
                "mode": step["mode"],
                "skipped": step.get("skipped") or "",
                "current": approval.status == ApprovalStatus.PENDING and index == approval.current_step,
                "tasks": [t for t in tasks if t.step == index],
            }
        )
    return steps


def my_task(*, user, pk) -> ApprovalTask:
    """One of the user's own tasks; anyone else's does not exist."""
    task = ApprovalTask.objects.filter(pk=pk, approver=user).select_related("approval").first()
    if task is None:
        raise NotFound()
    return task


def earlier_steps(approval: Approval) -> list[tuple[int, str]]:
    """The steps a task of the current step may send the approval back to (退回)."""
    return [
        (index, step["name"]) for index, step in enumerate(approval.plan[: approval.current_step]) if step["approvers"]
    ]
