"""Opportunities (OPP-11, ADR 0017) are seen by their account manager, their creator, those up
their departments, those they are shared with, and whoever may see their customer: the same set
on the list page, in the API, in the export and in the global search; others get 404."""

import csv
import io

import pytest
from django.urls import reverse

from crm.access.shares import share_grant
from crm.customers.testing import make_customer
from crm.opportunities import services

DATA = {"customer_name": "客户", "probability": 50, "summary": "概要", "description": "描述"}


def _shared_customer(sales):
    customer = make_customer(manager=sales.manager, name="己方客户")
    share_grant(actor=sales.manager, resource_code="customers.customer", obj=customer, users=[sales.other])
    return customer


@pytest.fixture
def world(sales):
    def new(actor, name, **kwargs):
        return services.opportunity_create(actor=actor, data={**DATA, "customer_name": name}, **kwargs)

    records = {
        "own": new(sales.manager, "甲方自建"),
        "assigned": services.opportunity_assign(
            actor=sales.supervisor, opportunity=new(sales.supervisor, "乙方指派"), owner=sales.manager
        ),
        "colleague": new(sales.colleague, "丙方同事"),
        "south": new(sales.other, "丁方深圳"),
        "shared": new(sales.other, "戊方共享"),
        # opened in 深圳 on the manager's customer, shared with them: 深圳 owns it
        "customer": new(sales.other, "己方客户", customer=_shared_customer(sales)),
    }
    share_grant(
        actor=sales.other, resource_code="opportunities.opportunity", obj=records["shared"], users=[sales.manager]
    )
    return records


EXPECTED = {
    "manager": {"own", "assigned", "shared", "customer"},
    "colleague": {"colleague"},
    "supervisor": {"own", "assigned", "colleague", "customer"},
    "other": {"south", "shared", "customer"},
    "executive": {"own", "assigned", "colleague", "south", "shared", "customer"},
}


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_list_api_export_search_and_detail_agree(client, sales, world, who):
    client.force_login(getattr(sales, who))
    expected = {world[key].number for key in EXPECTED[who]}

    page = client.get(reverse("opportunities:list") + "?view=all").content.decode()
    assert {r.number for r in world.values() if f'data-number="{r.number}"' in page} == expected

    api = client.get("/api/v1/opportunities/?page_size=200").json()
    assert {row["number"] for row in api["results"]} == expected and api["count"] == len(expected)

    export = client.get(reverse("imports:export_new"), {"type": "opportunities", "format": "csv", "view": "all"})
    if who in ("supervisor", "executive"):
        rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
        assert {row[0] for row in rows[1:]} == expected
    else:
        assert export.status_code == 403  # managers have no export function

    search = client.get(reverse("console:search"), {"q": "方"}).content.decode()
    for key, record in world.items():
        assert (record.customer_name in search) == (key in EXPECTED[who]), key

    for key, record in world.items():
        status = 200 if key in EXPECTED[who] else 404
        assert client.get(reverse("opportunities:detail", args=[record.pk])).status_code == status, key
        assert client.get(f"/api/v1/opportunities/{record.pk}/").status_code == status, key
