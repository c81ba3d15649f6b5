"""The approval inbox (waiting for me, done by me, submitted by me, copied to me), one approval with
its document as submitted, its steps and its history, and the acts: approve, reject or send back,
add an approver, withdraw. Who may act follows from the chain alone (crm.approvals.services)."""

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from crm.access.decorators import crm_view
from crm.approvals import registry, selectors, services
from crm.approvals.forms import AddApproverForm, CommentForm, RejectForm
from crm.approvals.models import ApprovalStatus
from crm.core.errors import DomainError, ValidationFailed
from crm.core.pagination import CappedPaginator
from crm.core.views.flows import dialog, go
from crm.identity.models import User

PAGE_SIZE = 20
BOXES = [
    ("waiting", pgettext_lazy("approvals", "Waiting for me")),
    ("done", pgettext_lazy("approvals", "Done by me")),
    ("submitted", pgettext_lazy("approvals", "Submitted by me")),
    ("cc", pgettext_lazy("approvals", "Copied to me")),
]


@crm_view(None)
def inbox(request):
    box = request.GET.get("box") or "waiting"
    if box not in selectors.BOXES:
        box = "waiting"
    page_obj = CappedPaginator(selectors.inbox(user=request.user, box=box), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [row if box == "submitted" else row.approval for row in page_obj.object_list]
    context = {
        "box": box,
        "boxes": BOXES,
        "page_obj": page_obj,
        "rows": list(zip(page_obj.object_list, rows, strict=True)),
        "waiting": selectors.waiting_count(request.user),
    }
    return render(request, "approvals/inbox.html", context)


def _document_url(approval) -> str:
    kind = registry.get(approval.document_type)
    obj = kind.model_class()._default_manager.filter(pk=approval.object_id).first()
    return kind.url(obj) if obj is not None else ""


@crm_view(None)
def detail(request, pk):
    approval = selectors.approval_get(user=request.user, pk=pk)
    task = selectors.my_open_task(user=request.user, approval=approval)
    context = {
        "approval": approval,
        "kind": registry.get(approval.document_type),
        "document_url": _document_url(approval),
        "steps": selectors.steps_view(approval),
        "log": approval.log.select_related("actor"),
        "task": task,
        "approve_form": CommentForm(),
        "may_withdraw": approval.submitter_id == request.user.pk and approval.status == ApprovalStatus.PENDING,
    }
    return render(request, "approvals/detail.html", context)


def _act(request, act, success: str, approval_id):
    """Carry out an act posted from the approval page; a refusal becomes the page's error message."""
    try:
        act()
    except DomainError as exc:
        messages.error(request, exc.summary())
    else:
        messages.success(request, success)
    return go(request, reverse("approvals:detail", args=[approval_id]))


def _comment(request) -> str:
    form = CommentForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed(fields=form.errors)
    return form.cleaned_data["comment"]


@crm_view(None, methods=("POST",))
def task_approve(request, pk):
    task = selectors.my_task(user=request.user, pk=pk)
    act = lambda: services.task_approve(actor=request.user, task_id=task.pk, comment=_comment(request))  # noqa: E731
    return _act(request, act, _("Approved."), task.approval_id)


@crm_view(None, methods=("GET", "POST"))
def task_reject(request, pk):
    task = selectors.my_task(user=request.user, pk=pk)
    form = RejectForm(request.POST or None, steps=selectors.earlier_steps(task.approval))
    return dialog(
        request,
        form=form,
        title=_("Reject or send back"),
        intro=_("The reason goes to the submitter. Sent back to an earlier step, its approvers decide again."),
        save=lambda: services.task_reject(
            actor=request.user, task_id=task.pk, reason=form.cleaned_data["reason"],
            back_to=form.cleaned_data["back_to"],
        ),
        success=lambda approval: _("Rejected.") if approval.status == ApprovalStatus.REJECTED else _("Sent back."),
        next_url=reverse("approvals:detail", args=[task.approval_id]),
        submit=_("Confirm"),
        leave=True,
    )


@crm_view(None, methods=("GET", "POST"))
def task_add_approver(request, pk):
    task = selectors.my_task(user=request.user, pk=pk)
    users = User.objects.filter(is_active=True).exclude(pk=request.user.pk).order_by("name", "id")
    form = AddApproverForm(request.POST or None, users=users)
    return dialog(
        request,
        form=form,
        title=_("Add an approver"),
        intro=_("The person you add must approve in this step too."),
        save=lambda: services.task_add_approver(
            actor=request.user, task_id=task.pk, user=form.cleaned_data["user"], comment=form.cleaned_data["comment"]
        ),
        success=lambda added: _("%(user)s added to the step.") % {"user": added.approver},
        next_url=reverse("approvals:detail", args=[task.approval_id]),
        submit=_("Add"),
        leave=True,
    )


@crm_view(None, methods=("POST",))
def approval_withdraw(request, pk):
    approval = selectors.approval_get(user=request.user, pk=pk)
    act = lambda: services.approval_withdraw(  # noqa: E731
        actor=request.user, approval_id=approval.pk, comment=_comment(request)
    )
    return _act(request, act, _("Withdrawn."), approval.pk)
