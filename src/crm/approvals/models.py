"""The approval engine's data (审批流): flows as data, and the approvals running on them.

A Flow belongs to one document type (crm.approvals.registry) and holds ordered FlowSteps; each step
names how its approvers are found and how they decide. Submitting a document resolves the flow
into a plan (stored on the Approval, so editing a flow never disturbs a running approval); the
plan's current step becomes ApprovalTasks, one per approver. Every act is an ApprovalLog row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from crm.core.models import TimeStampedModel


class NoApprover(models.TextChoices):
    SKIP = "skip", _("Skip the step")
    FALLBACK = "fallback", _("Send it to the fallback approver")
    REFUSE = "refuse", _("Refuse the submission")


class SelfApproval(models.TextChoices):
    SKIP = "skip", _("Counts as approved")
    APPROVE = "approve", _("The submitter approves like anyone else")
    SUPERIOR = "superior", _("Goes to the submitter's superior instead")


class ApproverKind(models.TextChoices):
    USERS = "users", _("Named users")
    SUPERIOR = "superior", _("The submitter's superior")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    ROLE = "role", _("Everyone with a role")


class StepMode(models.TextChoices):
    ALL = "all", _("All sign (会签)")
    ANY = "any", _("Any one signs (或签)")
    SEQUENCE = "sequence", _("In order (依次审批)")


class Flow(TimeStampedModel):
    document_type = models.CharField(_("document type"), max_length=50)
    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    # Of several active flows for one document type, the first (lowest) whose conditions hold applies.
    priority = models.PositiveSmallIntegerField(_("priority"), default=10)
    # [{"field": "amount", "op": "gt", "value": "100000"}, …], all must hold; empty: always.
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    on_no_approver = models.CharField(
        _("when a step finds no approver"), max_length=10, choices=NoApprover.choices, default=NoApprover.SKIP
    )
    fallback_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("fallback approver"),
    )
    on_self = models.CharField(
        _("when the submitter is an approver"), max_length=10, choices=SelfApproval.choices, default=SelfApproval.SKIP
    )
    # Post-actions after the last approval: the document's status (blank: the type's default),
    # who else is told, and an optional webhook the approval is POSTed to.
    approved_status = models.CharField(_("status after approval"), max_length=30, blank=True)
    notify_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("notify after approval")
    )
    webhook_url = models.URLField(_("webhook"), max_length=500, blank=True)
    webhook_secret = models.CharField(max_length=64, blank=True, editable=False)
    remind_after_hours = models.PositiveSmallIntegerField(_("remind after (hours)"), default=24)
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )

    class Meta:
        ordering = ["document_type", "priority", "id"]
        verbose_name = _("approval flow")
        verbose_name_plural = _("approval flows")
        indexes = [models.Index(fields=["document_type", "is_active", "priority"], name="flow_type_idx")]

    def __str__(self) -> str:
        return self.name


class FlowStep(models.Model):
    flow = models.ForeignKey(Flow, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=50)
    approver_kind = models.CharField(_("approvers"), max_length=20, choices=ApproverKind.choices)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("users"))
    # The submitter's superior: 1 is the direct superior; N asks each of the N superiors up the chain.
    levels = models.PositiveSmallIntegerField(_("levels up"), default=1)
    # Department head: of this department, or (blank) of the submitter's own; the nearest head up the tree.
    department = models.ForeignKey(
        "identity.Department",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("department"),
    )
    role = models.ForeignKey(
        "access.Role", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("role")
    )
    mode = models.CharField(_("how they decide"), max_length=10, choices=StepMode.choices, default=StepMode.ANY)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    cc_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("CC"))

    class Meta:
        ordering = ["flow", "position"]
        constraints = [models.UniqueConstraint(fields=["flow", "position"], name="flowstep_position_unique")]

    def __str__(self) -> str:
        return self.name


class ApprovalStatus(models.TextChoices):
    PENDING = "pending", _("In approval")
    APPROVED = "approved", pgettext_lazy("approval", "Approved")
    REJECTED = "rejected", pgettext_lazy("approval", "Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Approval(models.Model):
    document_type = models.CharField(_("document type"), max_length=50)
    object_id = models.BigIntegerField()
    flow = models.ForeignKey(Flow, on_delete=models.PROTECT, related_name="approvals", verbose_name=_("flow"))
    flow_version = models.PositiveIntegerField()
    # The resolved steps at submission: [{"position", "name", "mode", "approvers": [ids], "cc": [ids]}].
    plan = models.JSONField(default=list)
    title = models.CharField(_("title"), max_length=200)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2, null=True, blank=True)
    submitter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("submitter")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ApprovalStatus.choices, default=ApprovalStatus.PENDING
    )
    current_step = models.PositiveSmallIntegerField(_("current step"), default=0)
    submitted_at = models.DateTimeField(_("submitted at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # The document as submitted (and, since it is frozen meanwhile, as approved).
    snapshot = models.JSONField(default=dict)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            # One running approval per document: the database closes "check, then submit".
            models.UniqueConstraint(
                fields=["document_type", "object_id"],
                condition=Q(status="pending"),
                name="approval_one_pending",
            )
        ]
        indexes = [
            models.Index(fields=["document_type", "object_id", "-id"], name="approval_document_idx"),
            models.Index(fields=["submitter", "-id"], name="approval_submitter_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class TaskState(models.TextChoices):
    WAITING = "waiting", _("Waiting for an earlier approver")
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    RETURNED = "returned", _("Sent back")
    SKIPPED = "skipped", _("Skipped")
    CANCELLED = "cancelled", _("No longer needed")


OPEN_TASK_STATES = (TaskState.WAITING, TaskState.PENDING)


class ApprovalTask(models.Model):
    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="tasks")
    step = models.PositiveSmallIntegerField()
    seq = models.PositiveSmallIntegerField(default=0)  # the order within a step decided in sequence
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approver")
    )
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.PENDING)
    added_by = models.ForeignKey(  # 加签: who asked this approver in
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    acted_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["step", "seq", "id"]
        indexes = [
            models.Index(fields=["approver", "state", "-id"], name="task_inbox_idx"),
            models.Index(fields=["approval", "step", "seq"], name="task_step_idx"),
            models.Index(
                fields=["activated_at"], name="task_overdue_idx", condition=Q(state="pending", reminded_at=None)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.approval_id}/{self.step}/{self.approver_id}"


class ApprovalCc(models.Model):
    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="ccs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    step = models.PositiveSmallIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["approval", "user", "step"], name="approvalcc_unique")]
        indexes = [models.Index(fields=["user", "-id"], name="approvalcc_user_idx")]


class LogAction(models.TextChoices):
    SUBMIT = "submit", pgettext_lazy("approval log", "Submitted")
    APPROVE = "approve", pgettext_lazy("approval log", "Approved")
    REJECT = "reject", pgettext_lazy("approval log", "Rejected")
    SEND_BACK = "send_back", pgettext_lazy("approval log", "Sent back")
    ADD_APPROVER = "add_approver", pgettext_lazy("approval log", "Added an approver")
    WITHDRAW = "withdraw", pgettext_lazy("approval log", "Withdrawn")
    SKIP = "skip", pgettext_lazy("approval log", "Skipped")
    CC = "cc", pgettext_lazy("approval log", "Copied")
    COMPLETE = "complete", pgettext_lazy("approval log", "Approval completed")


class ApprovalLog(models.Model):
    approval = models.ForeignKey(Approval, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(max_length=15, choices=LogAction.choices)
    step = models.PositiveSmallIntegerField(null=True)
    comment = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
