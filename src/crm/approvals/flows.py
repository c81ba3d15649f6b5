"""Saving a flow from the designer: everything is checked before anything is written, and a flow
that could strand a document is refused (a step without an approver rule, a step whose conditions
can never hold together with the flow's, a fallback rule without a fallback approver)."""

import secrets
from urllib.parse import urlsplit

from django.db import transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.approvals import conditions, registry
from crm.approvals.models import ApproverKind, Flow, FlowStep, NoApprover, SelfApproval, StepMode
from crm.approvals.permissions import FLOW
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.identity.models import UserStatus

MAX_STEPS = 20
MAX_LEVELS = 10
FLOW_FIELDS = [
    "name", "is_active", "priority", "conditions", "on_no_approver", "on_self", "approved_status",
    "webhook_url", "remind_after_hours",
]


def _clean_flow(data: dict, kind) -> tuple[dict, dict]:
    errors: dict[str, list] = {}
    name = (data.get("name") or "").strip()
    if not name:
        errors["name"] = [_("Give the flow a name.")]
    cleaned_conditions, problems = conditions.clean(data.get("conditions"), kind.condition_fields())
    if problems:
        errors["conditions"] = problems
    elif not conditions.satisfiable(cleaned_conditions):
        errors["conditions"] = [_("These conditions can never hold together.")]
    on_no_approver = data.get("on_no_approver") or NoApprover.SKIP
    if on_no_approver not in NoApprover.values:
        errors["on_no_approver"] = [_("Choose a rule from the list.")]
    fallback = data.get("fallback_approver")
    if on_no_approver == NoApprover.FALLBACK and (fallback is None or fallback.status != UserStatus.NORMAL):
        errors["fallback_approver"] = [_("Name the active user who approves when a step finds nobody.")]
    on_self = data.get("on_self") or SelfApproval.SKIP
    if on_self not in SelfApproval.values:
        errors["on_self"] = [_("Choose a rule from the list.")]
    status = data.get("approved_status") or ""
    if status and status not in dict(kind.statuses()):
        errors["approved_status"] = [_("Choose a status of this document type.")]
    url = (data.get("webhook_url") or "").strip()
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
        errors["webhook_url"] = [_("Enter an http or https address.")]
    values = {
        "name": name[:100],
        "is_active": bool(data.get("is_active", True)),
        "priority": _bounded_int(data.get("priority"), 10, 0, 1000),
        "conditions": cleaned_conditions,
        "on_no_approver": on_no_approver,
        "fallback_approver": fallback,
        "on_self": on_self,
        "approved_status": status,
        "webhook_url": url[:500],
        "remind_after_hours": _bounded_int(data.get("remind_after_hours"), 24, 1, 720),
    }
    return values, errors


def _clean_steps(steps, kind, flow_conditions: list[dict]) -> tuple[list[dict], list[str]]:
    if not isinstance(steps, list) or not steps:
        return [], [_("A flow needs at least one step.")]
    if len(steps) > MAX_STEPS:
        return [], [_("At most %(count)d steps.") % {"count": MAX_STEPS}]
    cleaned, errors = [], []
    for number, step in enumerate(steps, start=1):
        label = _("Step %(number)d") % {"number": number}
        name = (step.get("name") or "").strip()[:50] or label
        approver_kind = step.get("approver_kind")
        users = [u for u in (step.get("users") or []) if u is not None]
        role = step.get("role")
        problem = None
        if approver_kind not in ApproverKind.values:
            problem = _("%(step)s has no approver rule.")
        elif approver_kind == ApproverKind.USERS and not users:
            problem = _("%(step)s names no approver.")
        elif approver_kind == ApproverKind.ROLE and role is None:
            problem = _("%(step)s names no role.")
        mode = step.get("mode") or StepMode.ANY
        if mode not in StepMode.values:
            problem = _("%(step)s: choose how its approvers decide.")
        step_conditions, problems = conditions.clean(step.get("conditions"), kind.condition_fields())
        if problem:
            errors.append(problem % {"step": name})
        errors.extend(f"{name}: {p}" for p in problems)
        if not problems and not conditions.satisfiable([*flow_conditions, *step_conditions]):
            errors.append(
                _("%(step)s can never be reached: its conditions contradict the flow's or each other.") % {"step": name}
            )
        cleaned.append(
            {
                "position": number,
                "name": name,
                "approver_kind": approver_kind,
                "users": users,
                "levels": _bounded_int(step.get("levels"), 1, 1, MAX_LEVELS),
                "department": step.get("department"),
                "role": role,
                "mode": mode,
                "conditions": step_conditions,
                "cc_users": [u for u in (step.get("cc_users") or []) if u is not None],
            }
        )
    return cleaned, errors


def _bounded_int(value, default: int, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


@transaction.atomic
def flow_save(*, actor, document_type: str, data: dict, steps: list[dict], flow: Flow | None = None) -> Flow:
    """Create or replace a flow with its steps. Running approvals keep the plan they were given."""
    access_for(actor).require(f"{FLOW}.{'edit' if flow else 'create'}")
    kind = registry.get(flow.document_type if flow else document_type)
    values, errors = _clean_flow(data, kind)
    cleaned_steps, step_errors = _clean_steps(steps, kind, values["conditions"])
    if step_errors:
        errors["steps"] = step_errors
    if errors:
        raise ValidationFailed(fields=errors)
    notify_users = [u for u in (data.get("notify_users") or []) if u is not None]
    if flow is None:
        flow = Flow(document_type=kind.code, updated_by=actor, webhook_secret=secrets.token_hex(32), **values)
        flow.save()
        audit_create(actor=actor, instance=flow, fields=["document_type", *FLOW_FIELDS])
    else:
        flow = Flow.objects.select_for_update().get(pk=flow.pk)
        changes = {
            key: [getattr(flow, key), value] for key, value in values.items()
            if key != "fallback_approver" and getattr(flow, key) != value
        }
        for key, value in values.items():
            setattr(flow, key, value)
        flow.version += 1
        flow.updated_by = actor
        flow.save()
        flow.steps.all().delete()
        audit_update(actor=actor, instance=flow, changes={**changes, "version": [flow.version - 1, flow.version]})
    flow.notify_users.set(notify_users)
    for step in cleaned_steps:
        row = FlowStep.objects.create(
            flow=flow,
            position=step["position"],
            name=step["name"],
            approver_kind=step["approver_kind"],
            levels=step["levels"],
            department=step["department"],
            role=step["role"],
            mode=step["mode"],
            conditions=step["conditions"],
        )
        if step["approver_kind"] == ApproverKind.USERS:
            row.users.set(step["users"])
        row.cc_users.set(step["cc_users"])
    return flow


@transaction.atomic
def flow_delete(*, actor, flow: Flow) -> None:
    access_for(actor).require(f"{FLOW}.delete")
    if flow.approvals.exists():
        raise Conflict(_("Approvals have run on this flow; deactivate it instead."), code="in_use")
    audit_delete(actor=actor, instance=flow, fields=["document_type", "name"])
    flow.delete()
