"""The sales reports and the dashboard in the API: the reports' numbers with the pages' filters,
bad filters a 400 in JSON naming the field (never a 500), the functions asked; and the workbench."""

import datetime

import pytest
from django.utils import timezone

from crm.customers.models import Customer
from crm.reports import funnel, work
from crm.reports.periods import Period
from crm.reports.testing_sales import MONTH

pytestmark = pytest.mark.django_db

API = "/api/v1/reports/"
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


def test_the_work_api_answers_the_reports_numbers(client, sales_data):
    for user in (sales_data.sales.manager, sales_data.sales.supervisor, sales_data.sales.executive):
        client.force_login(user)
        body = client.get(API + "work/", NOVEMBER).json()
        report = work.work_report(user=user, period=Period(*MONTH))
        assert body["date_from"] == "2026-11-01" and body["group"] == "person"
        assert {row["id"]: row["values"]["followups"] for row in body["results"]} == {
            row.key: row.values["followups"] for row in report.rows
        }
        assert body["totals"]["won_amount"] == f"{report.totals['won_amount']:.2f}"
    body = client.get(API + "work/", {**NOVEMBER, "group": "team"}).json()
    assert body["group"] == "team"
    body = client.get(API + "work/").json()  # this month by default
    today = timezone.localdate()
    assert body["date_from"] == today.replace(day=1).isoformat()


def test_the_products_api_pages_the_rows(client, sales_data):
    client.force_login(sales_data.sales.executive)
    body = client.get(API + "products/", {"date_from": "2026-10-01", "date_to": "2026-11-30", "by": "month"}).json()
    assert body["count"] == len(body["results"]) == 4
    assert body["results"][0]["period"] == "2026-11-01"
    body = client.get(API + "products/", {"date_from": "2026-10-01", "date_to": "2026-11-30", "by": "day",
                                          "category": "交换设备"}).json()
    assert {row["product_name"] for row in body["results"]} == {"工业交换机"}


def test_the_funnel_and_dashboard_apis(client, sales_data):
    user = sales_data.sales.supervisor
    client.force_login(user)
    body = client.get(API + "funnel/", NOVEMBER).json()
    steps = funnel.funnel(user=user, pipeline=sales_data.pipeline, period=Period(*MONTH))
    assert [step["reached"] for step in body["steps"]] == [step.reached for step in steps]
    assert body["pipeline"] == sales_data.pipeline.pk
    assert len(body["forecast"]) == 6
    assert set(body["leaderboards"]) == {"won_amount", "new_customers", "followups"}
    body = client.get(API + "dashboard/").json()
    assert [card["period"] for card in body["cards"]] == ["today", "week", "month", "year"]
    client.force_login(sales_data.sales.manager)
    assert client.get(API + "dashboard/").status_code == 403
    client.force_login(sales_data.agent)
    for path in ("work/", "products/", "funnel/"):
        assert client.get(API + path).status_code == 403


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("work/", {"date_from": "2026-02-30"}, "date_from"),
        ("work/", {"date_from": "yesterday"}, "date_from"),
        ("work/", {"date_to": "1999-12-31"}, "date_to"),
        ("work/", {"date_from": "2026-11-30", "date_to": "2026-11-01"}, "date_to"),
        ("work/", {"group": "region"}, "group"),
        ("work/", {"team": "0"}, "team"),
        ("work/", {"team": "9" * 40}, "team"),
        ("products/", {"by": "week"}, "by"),
        ("products/", {"product": "abc"}, "product"),
        ("products/", {"category": "c" * 101}, "category"),
        ("products/", {"date_from": "0001-01-01"}, "date_from"),
        ("funnel/", {"pipeline": "99999"}, "pipeline"),
        ("funnel/", {"date_to": "9999-12-31"}, "date_to"),
    ],
)
def test_bad_filters_in_the_api_are_a_400_in_json(client, sales_data, path, params, field):
    client.force_login(sales_data.sales.executive)
    response = client.get(API + path, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]


def test_the_schema_describes_the_new_endpoints(client, sales_data):
    client.force_login(sales_data.sales.executive)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("work", "products", "funnel", "dashboard"):
        assert f"/api/v1/reports/{path}/" in schema["paths"]
    assert "/api/v1/workbench/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reports/work/"]["get"]["parameters"]}
    assert {"date_from", "date_to", "group", "team"} <= parameters


def test_the_workbench_api_lists_the_panels_the_caller_sees(client, sales_data):
    manager = sales_data.sales.manager
    customer = Customer.objects.filter(manager=manager).order_by("id").first()
    Customer.objects.filter(pk=customer.pk).update(
        next_followup_on=timezone.localdate(), pool_warned_at=timezone.now() - datetime.timedelta(days=1)
    )
    client.force_login(manager)
    body = client.get("/api/v1/workbench/").json()
    panels = {panel["key"]: panel["data"] for panel in body}
    assert "customers.due" in panels and "customers.returning" in panels
    item = panels["customers.returning"]["customers"][0]
    assert item == {
        "type": "customers.customer", "id": customer.pk, "label": str(customer), "customer": None,
        "url": f"/customers/{customer.pk}/",
    }
    assert customer.pk in {c["id"] for c in panels["customers.due"]["customers"]}
    # Another manager's workbench does not hold this customer.
    client.force_login(sales_data.sales.other)
    body = client.get("/api/v1/workbench/").json()
    assert all(
        item.get("id") != customer.pk
        for panel in body for value in panel["data"].values() if isinstance(value, list) for item in value
    )
    client.logout()
    assert client.get("/api/v1/workbench/").status_code in (401, 403)


def test_the_workbench_page_shows_the_new_panels(client, sales_data):
    manager = sales_data.sales.manager
    customer = Customer.objects.filter(manager=manager).order_by("id").first()
    Customer.objects.filter(pk=customer.pk).update(pool_warned_at=timezone.now())
    from crm.service.models import Service

    Service.objects.filter(customer=customer).update(handled_by=manager, handled_at=timezone.now())
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert 'data-testid="panel-returning"' in html and 'data-testid="panel-serviced"' in html
    assert customer.name in html


def test_the_workbench_lists_new_opportunities_to_those_who_assign_them(client, sales_data):
    from crm.opportunities.models import Opportunity

    waiting = Opportunity.objects.get(status="unassigned")
    client.force_login(sales_data.sales.supervisor)
    panels = {panel["key"]: panel["data"] for panel in client.get("/api/v1/workbench/").json()}
    assert [item["id"] for item in panels["opportunities.new"]["opportunities"]] == [waiting.pk]
    assert panels["opportunities.new"]["opportunities"][0]["url"] == f"/opportunities/{waiting.pk}/"
    client.force_login(sales_data.sales.manager)  # managers do not assign
    assert "opportunities.new" not in {panel["key"] for panel in client.get("/api/v1/workbench/").json()}
