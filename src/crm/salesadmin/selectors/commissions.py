"""Commissions as the viewer may see them: the lines of the people in their scope (a salesperson
their own, a supervisor the subtree), a department's total as the sum of its people's lines (by the
department they are in today), the rules. A month's status is the company's and no secret."""

from dataclasses import dataclass, field
from decimal import Decimal

from crm.access.engine import access_for
from crm.identity.models import Department
from crm.salesadmin.models import CommissionLine, CommissionMonth, CommissionRule
from crm.salesadmin.permissions import COMMISSION, COMMISSION_RULE

ZERO = Decimal("0.00")


@dataclass
class Person:
    user_id: int
    name: str
    path: str
    lines: list = field(default_factory=list)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


@dataclass
class DepartmentTotal:
    department: Department
    depth: int
    total: Decimal
    people: int


def rule_list(*, user):
    return access_for(user).scoped(COMMISSION_RULE, CommissionRule.objects.all()).order_by("-active", "name", "id")


def rule_get(*, user, pk) -> CommissionRule:
    return access_for(user).get(COMMISSION_RULE, pk)


def month_list(*, user):
    if not access_for(user).can(f"{COMMISSION}.view"):
        return CommissionMonth.objects.none()
    return CommissionMonth.objects.order_by("-month")


def month_find(month) -> CommissionMonth | None:
    return CommissionMonth.objects.filter(month=month.replace(day=1)).first()


def line_list(*, user, period: CommissionMonth | None):
    if period is None:
        return CommissionLine.objects.none()
    lines = CommissionLine.objects.filter(period=period).select_related("user__department", "corrects")
    return access_for(user).scoped(COMMISSION, lines).order_by("user__department__path", "user_id", "kind",
                                                               "rule_name", "id")


def lines_of_every_month(*, user):
    lines = CommissionLine.objects.select_related("period", "user__department", "corrects")
    return access_for(user).scoped(COMMISSION, lines).order_by("-period__month", "user_id", "kind", "rule_name", "id")


def line_get(*, user, pk) -> CommissionLine:
    queryset = CommissionLine.objects.select_related("period", "user__department", "corrects", "rule")
    return access_for(user).get(COMMISSION, pk, queryset=queryset)


def month_view(*, user, period: CommissionMonth | None) -> dict:
    """{"people": [Person], "departments": [DepartmentTotal], "total": Decimal} of the month, in scope:
    two queries for the lines and the departments."""
    people: dict[int, Person] = {}
    for line in line_list(user=user, period=period):
        department = line.user.department
        person = people.setdefault(line.user_id, Person(line.user_id, str(line.user),
                                                        department.path if department else ""))
        person.lines.append(line)
    departments = []
    if people:
        found = list(access_for(user).departments_in_scope(COMMISSION, Department.objects.all()).order_by("path"))
        top = min((d.path.count("/") for d in found), default=0)
        for department in found:
            members = [p for p in people.values() if p.path.startswith(department.path)]
            departments.append(DepartmentTotal(department, department.path.count("/") - top,
                                               sum((p.total for p in members), ZERO), len(members)))
    listed = list(people.values())
    return {"people": listed, "departments": departments, "total": sum((p.total for p in listed), ZERO)}
