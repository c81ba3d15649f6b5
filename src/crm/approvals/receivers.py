"""An approver who leaves hands their open decisions to the successor (ORG-7): decided tasks keep
their approver, since the history says who decided."""

from django.dispatch import receiver

from crm.approvals.models import OPEN_TASK_STATES, ApprovalLog, ApprovalTask, LogAction, TaskState
from crm.identity.signals import user_departing


@receiver(user_departing)
def _hand_open_tasks_on(sender, *, actor, user, successor, **kwargs):
    moved = cancelled = 0
    for task in ApprovalTask.objects.filter(approver=user, state__in=OPEN_TASK_STATES):
        twin = ApprovalTask.objects.filter(
            approval_id=task.approval_id, step=task.step, approver=successor, state__in=OPEN_TASK_STATES
        )
        if twin.exists():  # the successor already decides in this step
            cancelled += ApprovalTask.objects.filter(pk=task.pk).update(state=TaskState.CANCELLED)
            continue
        moved += ApprovalTask.objects.filter(pk=task.pk).update(approver=successor)
        ApprovalLog.objects.create(approval_id=task.approval_id, actor=actor, action=LogAction.ADD_APPROVER,
                                   step=task.step, comment=f"{user} → {successor}")
    return {"approvals.task.approver": moved + cancelled} if moved or cancelled else {}
