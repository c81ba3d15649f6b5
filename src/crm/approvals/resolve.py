"""Who approves a step: named users, the submitter's superiors, a department head, or a role."""

from crm.access.models import Role
from crm.approvals.models import ApproverKind, FlowStep
from crm.identity.models import Department, User, UserStatus

MAX_ROLE_APPROVERS = 50


def step_approvers(step: FlowStep, submitter: User) -> list[int]:
    """The approvers' ids in the order they decide (for a step decided in sequence)."""
    kind = step.approver_kind
    if kind == ApproverKind.USERS:
        return list(step.users.filter(status=UserStatus.NORMAL).order_by("id").values_list("id", flat=True))
    if kind == ApproverKind.SUPERIOR:
        return _superiors(submitter, max(step.levels, 1))
    if kind == ApproverKind.DEPARTMENT_HEAD:
        head = department_head(step.department_id or submitter.department_id)
        return [head] if head else []
    if kind == ApproverKind.ROLE and step.role_id:
        users = Role.objects.get(pk=step.role_id).users.filter(status=UserStatus.NORMAL)
        return list(users.order_by("id").values_list("id", flat=True)[:MAX_ROLE_APPROVERS])
    return []


def _superiors(user: User, levels: int) -> list[int]:
    """The chain of superiors, nearest first, up to `levels`; a cycle in the data ends it."""
    chain, seen, current = [], {user.pk}, user.superior_id
    while current and current not in seen and len(chain) < levels:
        seen.add(current)
        row = User.objects.filter(pk=current).values("status", "superior_id").first()
        if row is None:
            break
        if row["status"] == UserStatus.NORMAL:
            chain.append(current)
        current = row["superior_id"]
    return chain


def department_head(department_id: int | None) -> int | None:
    """The leader of the department, else of the nearest department above it that has an active one."""
    if not department_id:
        return None
    path = Department.objects.filter(pk=department_id).values_list("path", flat=True).first()
    if not path:
        return None
    ids = [int(part) for part in path.strip("/").split("/") if part]
    leaders = dict(
        Department.objects.filter(pk__in=ids, leader__status=UserStatus.NORMAL).values_list("pk", "leader_id")
    )
    for pk in reversed(ids):
        if pk in leaders:
            return leaders[pk]
    return None


def superior_of(user_id: int) -> int | None:
    chain = _superiors(User.objects.get(pk=user_id), 1)
    return chain[0] if chain else None
