"""Every read of users and departments, through the permission engine."""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from crm.access.engine import access_for
from crm.identity.models import Department, User

USER_RESOURCE = "identity.user"
DEPARTMENT_RESOURCE = "identity.department"


def user_list(
    *,
    actor,
    search: str = "",
    department: Department | None = None,
    status: str = "",
    role=None,
) -> QuerySet:
    """Users the actor may see; `department` includes its sub-departments. Rows come with their
    department, superior and roles loaded, so a page costs the same number of queries at any size."""
    access = access_for(actor)
    queryset = access.scoped(USER_RESOURCE, User.objects.all())
    if department is not None:
        queryset = queryset.in_subtree(department)
    if status:
        queryset = queryset.filter(status=status)
    if role is not None:
        queryset = queryset.filter(roles=role)
    search = (search or "").strip()
    if search:
        searched = {"username", "name", "phone", "employee_no"} - access.concealed_fields(USER_RESOURCE)
        condition = Q()
        for name in sorted(searched):  # a masked phone is not searched: its digits would be guessed
            condition |= Q(**{f"{name}__icontains": search})
        queryset = queryset.filter(condition)
    return with_relations(queryset).order_by("id")


def with_relations(queryset: QuerySet) -> QuerySet:
    return queryset.select_related("department", "superior").prefetch_related("roles")


def user_get(*, actor, pk) -> User:
    """One user, or NotFound."""
    return access_for(actor).get(USER_RESOURCE, pk, queryset=with_relations(User.objects.all()))


def department_list(*, actor) -> QuerySet:
    """Departments the actor may see, in tree order (by path), each with its member count."""
    queryset = access_for(actor).scoped(DEPARTMENT_RESOURCE, Department.objects.all())
    return queryset.annotate(member_count=Count("members")).select_related("leader").order_by("path")


def department_get(*, actor, pk) -> Department:
    return access_for(actor).get(DEPARTMENT_RESOURCE, pk)


@dataclass
class TreeNode:
    department: Department
    member_count: int = 0
    total_count: int = 0  # members of the department and every department below it
    children: list["TreeNode"] = field(default_factory=list)

    @property
    def depth(self) -> int:
        return self.department.depth

    @property
    def is_empty(self) -> bool:
        return not self.children and not self.member_count


def department_tree(*, actor) -> list[TreeNode]:
    """The whole tree as a flat list in display order (siblings by sort order, then age), with
    direct and subtree member counts: one query whatever the size of the tree."""
    departments = list(department_list(actor=actor))
    nodes = {d.pk: TreeNode(department=d, member_count=d.member_count, total_count=d.member_count) for d in departments}
    for department in departments:
        parent = nodes.get(department.parent_id)
        if parent is not None:
            parent.children.append(nodes[department.pk])
    # Deepest first, so each total is final before it is added to its parent.
    for department in sorted(departments, key=lambda d: d.depth, reverse=True):
        parent = nodes.get(department.parent_id)
        if parent is not None:
            parent.total_count += nodes[department.pk].total_count
    return [nodes[d.pk] for d in in_tree_order(departments)]


def in_tree_order(departments) -> list[Department]:
    """Departments depth-first, siblings by sort order then age (a parent before its children)."""
    departments = list(departments)
    known = {d.pk for d in departments}
    children: dict = {}
    for department in departments:
        parent_id = department.parent_id if department.parent_id in known else None
        children.setdefault(parent_id, []).append(department)
    ordered: list[Department] = []
    stack = sorted(children.get(None, []), key=_sort_key, reverse=True)
    while stack:
        department = stack.pop()
        ordered.append(department)
        stack.extend(sorted(children.get(department.pk, []), key=_sort_key, reverse=True))
    return ordered


def _sort_key(department: Department):
    return (department.sort_order, department.pk)


def department_options() -> list[tuple[int, str]]:
    """(id, indented name) of every department in tree order, for selects: one query."""
    departments = Department.objects.only("id", "name", "parent_id", "depth", "sort_order")
    return [(d.pk, "\u3000" * d.depth + d.name) for d in in_tree_order(departments)]

