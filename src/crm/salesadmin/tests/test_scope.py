"""Who reaches which departments and people (the engine's helpers this app added), and the default
roles' rights on sales administration."""

import pytest

from crm.access.engine import access_for, users_with_function
from crm.identity.models import Department, User

pytestmark = pytest.mark.django_db


def test_departments_in_scope_follow_the_data_scope(sales, org):
    def reach(user):
        return set(access_for(user).departments_in_scope("salesadmin.target", Department.objects.all()))

    assert reach(sales.executive) == set(Department.objects.all())
    assert reach(sales.supervisor) == {org.shanghai, org.sales1}
    assert reach(sales.manager) == set()


def test_default_roles_rights(sales, admin_user):
    manager, supervisor, executive = (access_for(u) for u in (sales.manager, sales.supervisor, sales.executive))
    assert manager.can("salesadmin.target.view") and not manager.can("salesadmin.target.edit")
    assert manager.can("salesadmin.report.create") and not manager.can("salesadmin.report.review")
    assert manager.can("salesadmin.claim.create") and manager.can("salesadmin.claim.delete")
    assert not manager.can("salesadmin.claim.pay")
    assert all(supervisor.can(f"salesadmin.{code}") for code in (
        "target.edit", "target.review", "report.review", "claim.pay"))
    assert executive.can("salesadmin.target.edit") and executive.can("salesadmin.report.review")
    assert not executive.can("salesadmin.claim.create")
    writers = set(users_with_function("salesadmin.report.create", User.objects.all()))
    assert {sales.manager, sales.colleague, sales.supervisor} <= writers and sales.executive not in writers
