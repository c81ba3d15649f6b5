"""A value a user sees masked is not searchable by that user (issue 12 #5): searching users by
phone digits, on the page or through the API's `?search=`, finds nobody by a masked phone."""

import pytest

from crm.access.models import FieldRule, Role, RolePermission


@pytest.fixture
def searcher(org, make_user):
    role = Role.objects.create(code="hr-viewer", name="通讯录", default_scope="all")
    RolePermission.objects.create(role=role, code="identity.user.view")
    FieldRule.objects.create(role=role, resource="identity.user", field="phone", rule="masked")
    user = make_user("viewer", department=org.head)
    user.roles.add(role)
    make_user("target", department=org.sales1, name="王芳", phone="13800000102")
    return user


def test_users_are_not_found_by_a_phone_the_searcher_sees_masked(client, searcher):
    client.force_login(searcher)
    page = client.get("/users/", {"q": "0102"}).content.decode()
    assert "王芳" not in page
    assert "王芳" in client.get("/users/", {"q": "王芳"}).content.decode()  # the name is searchable
    api = client.get("/api/v1/users/", {"search": "0102"}).json()
    assert api["results"] == []
    found = client.get("/api/v1/users/", {"search": "王芳"}).json()["results"]
    assert [row["phone"] for row in found] == ["138****0102"]


def test_an_administrator_who_sees_phones_finds_them(client, admin_user, searcher):
    client.force_login(admin_user)
    assert [row["name"] for row in client.get("/api/v1/users/", {"search": "0102"}).json()["results"]] == ["王芳"]


@pytest.fixture
def masked_manager(sales, admin_user):
    """Managers see customer phones masked; a customer of a colleague has a known phone."""
    from crm.customers.services.duplicates import duplicate_rule_set
    from crm.customers.testing import make_customer

    duplicate_rule_set(actor=admin_user, kind="phone", mode="warn")
    manager = Role.objects.get(code="manager")
    FieldRule.objects.create(role=manager, resource="customers.customer", field="phone", rule="masked")
    make_customer(manager=sales.colleague, actor=sales.supervisor, name="宁波港联物流有限公司", phone="13812340102")
    return sales.manager


def test_the_duplicate_check_does_not_confirm_a_masked_phone(client, masked_manager, sales):
    from crm.customers.services.duplicates import duplicate_find

    assert duplicate_find(actor=masked_manager, phone="13812340102").matches == []
    assert [m.customer.name for m in duplicate_find(actor=sales.supervisor, phone="13812340102").matches] == [
        "宁波港联物流有限公司"
    ]
    client.force_login(masked_manager)
    html = client.get("/customers/duplicate-check/", {"phone": "13812340102"}).content.decode()
    assert "宁" not in html  # not even the masked name of a match


def test_the_live_duplicate_check_is_throttled_per_user(client, sales, settings):
    settings.CRM_DUPLICATE_CHECK_RATE = "5/min"
    client.force_login(sales.manager)
    statuses = [client.get("/customers/duplicate-check/", {"name": f"测试{i}"}).status_code for i in range(7)]
    assert statuses == [200] * 5 + [429] * 2
    client.force_login(sales.colleague)  # another user has a budget of their own
    assert client.get("/customers/duplicate-check/", {"name": "测试"}).status_code == 200


def test_the_apis_duplicate_check_is_throttled_per_user(client, sales):
    client.force_login(sales.manager)
    statuses = [client.get("/api/v1/customers/duplicates/", {"name": f"测试{i}"}).status_code for i in range(61)]
    assert statuses[:60] == [200] * 60 and statuses[60] == 429
