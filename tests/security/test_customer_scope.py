"""The permission matrix for customers (ORG-4, ORG-6, CUS-6, CUS-13): for each default role, the
list page, the global search, the 360 page, the export and the merge show exactly the customers
in the role's scope (plus shares and the pools open to it) and answer 404 for the others."""

import csv
import io

import pytest
from django.urls import reverse

from crm.customers.seeding import seed_all
from crm.customers.services.ownership import customer_share
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_customer
from crm.testing import make_user


@pytest.fixture
def world(org, db):
    seed_all()
    users = {
        "admin": make_user("admin", role="admin", department=org.head),
        "executive": make_user("executive", role="executive", department=org.head),
        "supervisor": make_user("supervisor", role="supervisor", department=org.shanghai),
        "manager": make_user("manager", role="manager", department=org.sales1),
        "colleague": make_user("colleague", role="manager", department=org.sales1),
        "manager2": make_user("manager2", role="manager", department=org.sales2),
        "service": make_user("service", role="service", department=org.head),
        "marketing": make_user("marketing", role="marketing", department=org.head),
    }
    customers = {
        "own": make_customer(manager=users["manager"], name="上海甲方科技有限公司"),
        "colleague": make_customer(manager=users["colleague"], name="上海乙方贸易有限公司"),
        "supervisor": make_customer(manager=users["supervisor"], name="上海丙方机械有限公司"),
        "south": make_customer(manager=users["manager2"], name="深圳丁方电子有限公司"),
        "shared": make_customer(manager=users["colleague"], name="上海戊方物流有限公司"),
        "pool": make_customer(manager=users["colleague"], name="无锡己方化工有限公司"),
    }
    customer_share(actor=users["colleague"], customer=customers["shared"], users=[users["manager2"]])
    customer_release(actor=users["colleague"], customer=customers["pool"], reason="暂无需求")
    return users, customers


ALL = {"own", "colleague", "supervisor", "south", "shared", "pool"}
EXPECTED = {
    "admin": ALL,
    "executive": ALL,
    "supervisor": ALL - {"south"},
    "manager": {"own", "pool"},
    "colleague": {"colleague", "shared", "pool"},
    "manager2": {"south", "shared", "pool"},
    "service": ALL,
    "marketing": ALL,
}
MAY_EXPORT = {"admin", "executive", "supervisor"}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_list_search_detail_and_export_show_exactly_the_scope(client, world, who):
    users, customers = world
    client.force_login(users[who])
    expected = {customers[key].name for key in EXPECTED[who]}

    listed = client.get(reverse("customers:list"), {"size": 100})
    in_scope = expected - {customers["pool"].name} if EXPECTED[who] != ALL else expected
    assert {c.name for c in listed.context["customers"]} == in_scope  # the pool has its own page
    pooled = client.get(reverse("customers:list"), {"size": 100, "manager": "none"})
    assert {c.name for c in pooled.context["customers"]} == expected & {customers["pool"].name}

    found = client.get(reverse("console:search"), {"q": "有限公司"}).content.decode()
    assert {c.name for c in customers.values() if c.name in found} == expected

    for key, customer in customers.items():
        status = client.get(reverse("customers:detail", args=[customer.pk])).status_code
        assert status == (200 if key in EXPECTED[who] else 404), (who, key)

    export = client.get(reverse("imports:export_new"), {"type": "customers", "format": "csv"})
    if who in MAY_EXPORT:
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        exported = {row[1] for row in rows[1:]}
        assert exported == {customers[key].name for key in EXPECTED[who] if key != "pool" or who != "supervisor"}
    else:
        assert export.status_code == 403


def test_a_supervisor_cannot_merge_or_hand_over_outside_the_subtree(client, world):
    users, customers = world
    client.force_login(users["supervisor"])
    ids = f"{customers['own'].pk},{customers['south'].pk}"
    assert client.get(reverse("customers:merge"), {"ids": ids}).status_code == 404
    response = client.post(reverse("customers:merge"), {"ids": ids, "target": customers["own"].pk})
    assert response.status_code == 404
    assert client.get(reverse("customers:handover", args=[customers["south"].pk])).status_code == 404
