"""The approval engine's writes: submit, approve, reject (to the submitter or back to an earlier
step: 退回), add an approver (加签), withdraw; and the frozen check every document service asks.

Every act locks the approval row first, then moves one task along a conditional UPDATE on the
state it read, so two approvers acting at once are serialised and a stale act is refused (409).
Only a task's own approver may act on it: anybody else is told the task does not exist (404).
"""

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals import conditions, registry
from crm.approvals.models import (
    OPEN_TASK_STATES,
    Approval,
    ApprovalCc,
    ApprovalLog,
    ApprovalStatus,
    ApprovalTask,
    Flow,
    LogAction,
    NoApprover,
    SelfApproval,
    StepMode,
    TaskState,
)
from crm.approvals.resolve import step_approvers, superior_of
from crm.audit.services import audit_create, audit_update
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.identity.models import User, UserStatus
from crm.notifications.services import notify

TEXT_LIMIT = 2000


# --- the frozen document ----------------------------------------------------------------------------------
def is_frozen(document_type: str, object_id) -> bool:
    return Approval.objects.filter(
        document_type=document_type, object_id=object_id, status=ApprovalStatus.PENDING
    ).exists()


def ensure_editable(document_type: str, obj) -> None:
    """Document services call this before any change: a document in approval is frozen."""
    if obj.pk and is_frozen(document_type, obj.pk):
        raise Conflict(_("The document is in approval and cannot be changed until the approval ends."), code="frozen")


def pending_approval(document_type: str, object_id) -> Approval | None:
    return Approval.objects.filter(
        document_type=document_type, object_id=object_id, status=ApprovalStatus.PENDING
    ).first()


# --- submitting -------------------------------------------------------------------------------------------
def flow_for(document_type: str, obj, submitter) -> Flow | None:
    """The first active flow of the type, by priority, whose conditions the document meets."""
    kind = registry.get(document_type)
    values = kind.values(obj)
    path = submitter.department.path if submitter.department_id else None
    for flow in Flow.objects.filter(document_type=document_type, is_active=True).order_by("priority", "id"):
        if conditions.holds(flow.conditions, values, path):
            return flow
    return None


def _plan(flow: Flow, submitter: User, values: dict) -> list[dict]:
    """The flow resolved for this submitter and document: per step its approvers and CC, or why it is skipped."""
    path = submitter.department.path if submitter.department_id else None
    plan = []
    for step in flow.steps.prefetch_related("users", "cc_users").order_by("position"):
        if not conditions.holds(step.conditions, values, path):
            continue
        approvers, note = step_approvers(step, submitter), ""
        if submitter.pk in approvers and flow.on_self != SelfApproval.APPROVE:
            approvers = [pk for pk in approvers if pk != submitter.pk]
            if flow.on_self == SelfApproval.SUPERIOR:
                superior = superior_of(submitter.pk)
                if superior and superior not in approvers:
                    approvers.append(superior)
            note = "self" if not approvers else ""
        if not approvers and not note:
            if flow.on_no_approver == NoApprover.REFUSE:
                raise ValidationFailed(
                    _("The approval flow finds no approver for the step “%(step)s”; ask an administrator.")
                    % {"step": step.name}
                )
            fallback = flow.fallback_approver
            if flow.on_no_approver == NoApprover.FALLBACK and fallback and fallback.status == UserStatus.NORMAL:
                approvers = [fallback.pk]
            else:
                note = "none"
        cc = [user.pk for user in step.cc_users.all() if user.status == UserStatus.NORMAL]
        plan.append({"position": step.position, "name": step.name, "mode": step.mode, "approvers": approvers,
                     "cc": cc, "skipped": note})
    return plan


@transaction.atomic
def approval_submit(*, actor, document_type: str, obj, comment: str = "") -> Approval | None:
    """Start the approval of a document. None when no flow applies: the document is approved as it
    is (its type's default status), which is the same as a flow with no steps."""
    kind = registry.get(document_type)
    access_for(actor).check(kind.resource, kind.submit_action, obj)
    comment = _text(comment, "comment", required=False)
    flow = flow_for(document_type, obj, actor)
    if flow is None:
        kind.on_decided(actor, obj, None, kind.default_status)
        return None
    values = kind.values(obj)
    approval = Approval(
        document_type=document_type,
        object_id=obj.pk,
        flow=flow,
        flow_version=flow.version,
        plan=_plan(flow, actor, values),
        title=str(kind.title(obj))[:200],
        amount=kind.amount(obj),
        submitter=actor,
        snapshot=kind.snapshot(obj),
    )
    try:
        with transaction.atomic():
            approval.save()
    except IntegrityError:
        raise Conflict(_("The document is already in approval."), code="in_approval") from None
    _log(approval, actor, LogAction.SUBMIT, None, comment)
    audit_create(actor=actor, instance=approval, fields=["document_type", "object_id", "flow", "title", "amount"])
    kind.on_submitted(actor, obj, approval)
    kind.on_event(actor, obj, approval, LogAction.SUBMIT, comment)
    _enter(approval, 0, actor)
    return approval


# --- moving through the steps ----------------------------------------------------------------------------
def _enter(approval: Approval, index: int, actor) -> None:
    """Make plan step `index` current (the next one with approvers): its tasks and CC; past the
    last step, the approval is complete."""
    plan = approval.plan
    while index < len(plan) and not plan[index]["approvers"]:
        _log(approval, None, LogAction.SKIP, index, plan[index].get("skipped", ""))
        index += 1
    if index >= len(plan):
        _complete(approval, actor)
        return
    step, now = plan[index], timezone.now()
    approval.current_step = index
    Approval.objects.filter(pk=approval.pk).update(current_step=index)
    sequence = step["mode"] == StepMode.SEQUENCE
    tasks = [
        ApprovalTask(
            approval=approval,
            step=index,
            seq=seq,
            approver_id=pk,
            state=TaskState.WAITING if sequence and seq else TaskState.PENDING,
            activated_at=None if sequence and seq else now,
        )
        for seq, pk in enumerate(step["approvers"])
    ]
    ApprovalTask.objects.bulk_create(tasks)
    _tell(approval, [t.approver_id for t in tasks if t.state == TaskState.PENDING], waiting=True)
    if step["cc"]:
        ApprovalCc.objects.bulk_create(
            [ApprovalCc(approval=approval, user_id=pk, step=index) for pk in step["cc"]], ignore_conflicts=True
        )
        _log(approval, None, LogAction.CC, index, "")
        _tell(approval, step["cc"], waiting=False)


def _advance(approval: Approval, task: ApprovalTask, actor) -> None:
    """After `task` was approved: the step's rule says whether it is done."""
    step = approval.plan[approval.current_step]
    open_tasks = ApprovalTask.objects.filter(approval=approval, step=approval.current_step, state__in=OPEN_TASK_STATES)
    if step["mode"] == StepMode.ANY and task.added_by_id is None:
        # 或签: one of the step's own approvers decides for all; approvers added by 加签 still sign.
        open_tasks.filter(added_by__isnull=True).update(state=TaskState.CANCELLED)
    waiting = open_tasks.filter(state=TaskState.WAITING).order_by("seq", "id").first()
    if waiting is not None and not open_tasks.filter(state=TaskState.PENDING).exists():
        ApprovalTask.objects.filter(pk=waiting.pk).update(state=TaskState.PENDING, activated_at=timezone.now())
        _tell(approval, [waiting.approver_id], waiting=True)
        return
    if not open_tasks.exists():
        _enter(approval, approval.current_step + 1, actor)


def _complete(approval: Approval, actor) -> None:
    kind = registry.get(approval.document_type)
    now = timezone.now()
    Approval.objects.filter(pk=approval.pk).update(status=ApprovalStatus.APPROVED, decided_at=now)
    approval.status, approval.decided_at = ApprovalStatus.APPROVED, now
    audit_update(actor=actor, instance=approval, changes={"status": [ApprovalStatus.PENDING, approval.status]})
    _log(approval, None, LogAction.COMPLETE, None, "")
    flow = approval.flow
    obj = _document(approval)
    kind.on_decided(actor, obj, approval, flow.approved_status or kind.default_status)
    kind.on_event(actor, obj, approval, LogAction.COMPLETE, "")
    notify(
        recipients=[approval.submitter, *flow.notify_users.all()],
        title=_("Approved: %(title)s") % {"title": approval.title},
        link=reverse("approvals:detail", args=[approval.pk]),
        kind="approval",
    )
    if flow.webhook_url:
        from crm.approvals.jobs import webhook_enqueue  # the jobs module imports these services

        webhook_enqueue(approval)


# --- the acts ---------------------------------------------------------------------------------------------
def _my_task(actor, task_id) -> tuple[Approval, ApprovalTask]:
    """The actor's own task, with its approval locked; a task of someone else does not exist."""
    task = ApprovalTask.objects.filter(pk=task_id, approver=actor).first()
    if task is None:
        raise NotFound()
    approval = Approval.objects.select_for_update().get(pk=task.approval_id)
    task.refresh_from_db()
    if approval.status != ApprovalStatus.PENDING or task.state != TaskState.PENDING:
        raise Conflict(_("This approval has moved on; reload it."), code="stale")
    return approval, task


def _close_task(task: ApprovalTask, state: str, comment: str) -> None:
    now = timezone.now()
    if not ApprovalTask.objects.filter(pk=task.pk, state=TaskState.PENDING).update(
        state=state, acted_at=now, comment=comment
    ):
        raise Conflict(_("This approval has moved on; reload it."), code="stale")
    task.state, task.acted_at, task.comment = state, now, comment


@transaction.atomic
def task_approve(*, actor, task_id, comment: str = "") -> Approval:
    approval, task = _my_task(actor, task_id)
    comment = _text(comment, "comment", required=False)
    _close_task(task, TaskState.APPROVED, comment)
    _log(approval, actor, LogAction.APPROVE, task.step, comment)
    kind = registry.get(approval.document_type)
    kind.on_event(actor, _document(approval), approval, LogAction.APPROVE, comment)
    _advance(approval, task, actor)
    return approval


@transaction.atomic
def task_reject(*, actor, task_id, reason: str, back_to: int | None = None) -> Approval:
    """Reject with a reason: back to the submitter (the approval ends), or with `back_to`, back to
    an earlier step of the plan (退回), whose approvers decide again."""
    approval, task = _my_task(actor, task_id)
    reason = _text(reason, "reason", required=True)
    kind = registry.get(approval.document_type)
    obj = _document(approval)
    if back_to is not None:
        if not (0 <= back_to < approval.current_step) or not approval.plan[back_to]["approvers"]:
            raise ValidationFailed(fields={"back_to": [_("Choose an earlier step that has approvers.")]})
        _close_task(task, TaskState.RETURNED, reason)
        ApprovalTask.objects.filter(approval=approval, step=approval.current_step, state__in=OPEN_TASK_STATES).update(
            state=TaskState.CANCELLED
        )
        _log(approval, actor, LogAction.SEND_BACK, task.step, reason)
        kind.on_event(actor, obj, approval, LogAction.SEND_BACK, reason)
        _enter(approval, back_to, actor)
        return approval
    _close_task(task, TaskState.REJECTED, reason)
    _end(approval, ApprovalStatus.REJECTED, actor, reason)
    _log(approval, actor, LogAction.REJECT, task.step, reason)
    kind.on_decided(actor, obj, approval, "")
    kind.on_event(actor, obj, approval, LogAction.REJECT, reason)
    notify(
        recipients=[approval.submitter],
        title=_("Rejected: %(title)s") % {"title": approval.title},
        body=reason,
        link=reverse("approvals:detail", args=[approval.pk]),
        kind="approval",
    )
    return approval


@transaction.atomic
def task_add_approver(*, actor, task_id, user: User, comment: str = "") -> ApprovalTask:
    """加签: `user` must approve in this step too; in a step decided in order, right after the actor."""
    approval, task = _my_task(actor, task_id)
    comment = _text(comment, "comment", required=False)
    if user is None or user.status != UserStatus.NORMAL:
        raise ValidationFailed(fields={"user": [_("Choose an active user.")]})
    if ApprovalTask.objects.filter(
        approval=approval, step=task.step, approver=user, state__in=OPEN_TASK_STATES
    ).exists() or user.pk == approval.submitter_id:
        raise ValidationFailed(fields={"user": [_("This user already decides in this step.")]})
    sequence = approval.plan[task.step]["mode"] == StepMode.SEQUENCE
    added = ApprovalTask.objects.create(
        approval=approval,
        step=task.step,
        seq=task.seq,
        approver=user,
        added_by=actor,
        state=TaskState.WAITING if sequence else TaskState.PENDING,
        activated_at=None if sequence else timezone.now(),
    )
    _log(approval, actor, LogAction.ADD_APPROVER, task.step, f"{user} {comment}".strip())
    if not sequence:
        _tell(approval, [user.pk], waiting=True)
    return added


@transaction.atomic
def approval_withdraw(*, actor, approval_id, comment: str = "") -> Approval:
    """The submitter takes the document back while it is in approval."""
    approval = Approval.objects.select_for_update().filter(pk=approval_id).first()
    if approval is None or not _participant(actor, approval):
        raise NotFound()
    if approval.submitter_id != actor.pk:
        raise Conflict(_("Only the submitter can withdraw an approval."), code="not_submitter")
    if approval.status != ApprovalStatus.PENDING:
        raise Conflict(_("This approval has moved on; reload it."), code="stale")
    comment = _text(comment, "comment", required=False)
    _end(approval, ApprovalStatus.WITHDRAWN, actor, comment)
    _log(approval, actor, LogAction.WITHDRAW, approval.current_step, comment)
    kind, obj = registry.get(approval.document_type), _document(approval)
    kind.on_decided(actor, obj, approval, "")
    kind.on_event(actor, obj, approval, LogAction.WITHDRAW, comment)
    return approval


def _end(approval: Approval, status: str, actor, reason: str) -> None:
    now = timezone.now()
    ApprovalTask.objects.filter(approval=approval, state__in=OPEN_TASK_STATES).update(state=TaskState.CANCELLED)
    Approval.objects.filter(pk=approval.pk).update(status=status, decided_at=now, reason=reason)
    before = approval.status
    approval.status, approval.decided_at, approval.reason = status, now, reason
    audit_update(actor=actor, instance=approval, changes={"status": [before, status]})


# --- helpers ----------------------------------------------------------------------------------------------
def _participant(user, approval: Approval) -> bool:
    return (
        approval.submitter_id == user.pk
        or ApprovalTask.objects.filter(approval=approval, approver=user).exists()
        or ApprovalCc.objects.filter(approval=approval, user=user).exists()
    )


def participant_filter(user) -> Q:
    """Approvals a user takes part in: submitted, asked to approve, or copied."""
    return (
        Q(submitter=user)
        | Q(pk__in=ApprovalTask.objects.filter(approver=user).values("approval_id"))
        | Q(pk__in=ApprovalCc.objects.filter(user=user).values("approval_id"))
    )


def _document(approval: Approval):
    return registry.get(approval.document_type).model_class()._default_manager.get(pk=approval.object_id)


def _log(approval: Approval, actor, action: str, step, comment: str) -> None:
    ApprovalLog.objects.create(approval=approval, actor=actor, action=action, step=step, comment=comment[:TEXT_LIMIT])


def _tell(approval: Approval, user_ids: list[int], *, waiting: bool) -> None:
    if not user_ids:
        return
    title = (_("Waiting for your approval: %(title)s") if waiting else _("For your information: %(title)s")) % {
        "title": approval.title
    }
    notify(
        recipients=User.objects.filter(pk__in=user_ids),
        title=title,
        link=reverse("approvals:detail", args=[approval.pk]),
        kind="approval",
    )


def _text(value, name: str, *, required: bool) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if required and not text:
        raise ValidationFailed(fields={name: [_("Give a reason.")]})
    if len(text) > TEXT_LIMIT:
        raise ValidationFailed(fields={name: [_("At most %(limit)d characters.") % {"limit": TEXT_LIMIT}]})
    return text
