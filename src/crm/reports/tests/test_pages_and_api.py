"""The report pages, the API and the exports: the same numbers as the selectors, the functions
asked, bounded inputs answered with a form error (pages) or a 400 in JSON (API), never a 500."""

import io
import json
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crm.customers.models import Customer
from crm.reports import selectors
from crm.service.models import Service

pytestmark = pytest.mark.django_db

PAGES = ["reports:contribution", "reports:composition", "reports:services", "reports:churn"]
API = "/api/v1/reports/"


def chart(response) -> dict:
    html = response.content.decode()
    start = html.index('id="report-chart" type="application/json">') + len('id="report-chart" type="application/json">')
    return json.loads(html[start : html.index("</script>", start)])


@pytest.mark.parametrize("name", PAGES)
def test_every_report_page_shows_a_chart_for_the_roles_that_have_it(client, report_data, name):
    for user in (report_data.sales.manager, report_data.sales.supervisor, report_data.sales.executive):
        client.force_login(user)
        response = client.get(reverse(name))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-report-chart="report-chart"' in html
        assert "reports/reports.js" in html and "vendor/echarts/echarts.min.js" in html
        assert "<script>" not in html  # CSP: behaviour lives in static files
    client.force_login(report_data.agent)  # 客服: no report function
    assert client.get(reverse(name)).status_code == 403


def test_the_contribution_page_charts_and_links_the_page_it_shows(client, report_data):
    user = report_data.sales.supervisor
    client.force_login(user)
    response = client.get(reverse("reports:contribution"), {"year": 2026, "ordering": "-total"})
    rows = list(selectors.contribution(user=user, year=2026))
    data = chart(response)
    assert data["labels"] == [row["row_name"] for row in rows]
    assert data["values"] == [float(row["row_total"]) for row in rows]
    assert data["links"][0] == reverse("orders:history", args=[rows[0]["row_id"]])
    # The grand total of 2026 in the supervisor's scope: 8,800.00 + 300.25 (the status 3 order left out).
    assert "¥9,100.25" in response.content.decode()


def test_composition_and_services_drill_down_to_the_lists(client, report_data):
    client.force_login(report_data.sales.executive)
    data = chart(client.get(reverse("reports:composition"), {"by": "credit"}))
    assert data["labels"] == ["5", "4", "3", "2", "1"]
    assert data["values"] == [3, 1, 1, 1, 1]
    assert data["links"][0] == reverse("customers:list") + "?c-field-0=credit&c-op-0=eq&c-value-0=5"
    listed = client.get(data["links"][0])
    assert listed.status_code == 200
    page = listed.content.decode()
    assert "苏州园林科技有限公司" in page and "杭州西湖贸易有限公司" not in page

    data = chart(client.get(reverse("reports:services"), {"year": 2025}))
    assert sum(data["values"]) == 4
    link = next(link for link, value in zip(data["links"], data["values"], strict=True) if value)
    assert "created_after=2025-01-01" in link and "created_before=2025-12-31" in link
    listed = client.get(link).content.decode()
    assert 'data-testid="service-narrowed"' in listed
    # The list holds exactly the services behind the bar: that type, created in 2025.
    type_id = int(re.search(r"type=(\d+)", link).group(1))
    behind = Service.objects.filter(type_id=type_id, created_at__year=2025)
    assert behind.exists()
    for service in Service.objects.all():
        assert (service.number in listed) == (service in behind), service.number


def test_the_churn_page_filters_by_customer_and_manager(client, report_data):
    client.force_login(report_data.sales.executive)
    html = client.get(reverse("reports:churn"), {"customer": "浦江"}).content.decode()
    assert "深圳浦江物流有限公司" in html and "无锡太湖纺织有限公司" not in html
    html = client.get(reverse("reports:churn"), {"manager": "周杰"}).content.decode()
    assert "无锡太湖纺织有限公司" in html and "深圳浦江物流有限公司" not in html
    data = chart(client.get(reverse("reports:churn")))
    assert sorted(data["values"]) == [1, 1, 1]
    assert all("tab=confirmed" in link for link in data["links"])


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("reports:contribution", {"year": "1999"}),
        ("reports:contribution", {"year": "3000"}),
        ("reports:contribution", {"year": "二〇二五"}),
        ("reports:contribution", {"year": "9" * 40}),
        ("reports:contribution", {"customer": "x" * 101}),
        ("reports:contribution", {"ordering": "password"}),
        ("reports:composition", {"by": "region"}),
        ("reports:services", {"year": "-5"}),
        ("reports:churn", {"manager": "y" * 101}),
    ],
)
def test_bad_input_on_a_page_is_a_form_error_in_chinese(client, report_data, name, params):
    client.force_login(report_data.sales.executive)
    response = client.get(reverse(name), params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="report-errors"' in html
    assert "报表显示默认结果" in html


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("contribution/", {"year": "1999"}, "year"),
        ("contribution/", {"year": "abc"}, "year"),
        ("contribution/", {"year": "9" * 40}, "year"),
        ("contribution/", {"ordering": "secret"}, "ordering"),
        ("contribution/", {"customer": "x" * 101}, "customer"),
        ("composition/", {"by": "region"}, "by"),
        ("services/", {"year": "3000"}, "year"),
        ("churn/", {"manager": "m" * 101}, "manager"),
    ],
)
def test_bad_input_in_the_api_is_a_400_in_json(client, report_data, path, params, field):
    client.force_login(report_data.sales.supervisor)
    response = client.get(API + path, params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert field in error["fields"]


def test_the_api_answers_the_reports_numbers(client, report_data):
    user = report_data.sales.supervisor
    client.force_login(user)
    body = client.get(API + "contribution/", {"customer": "", "year": ""}).json()
    assert body["count"] == 5
    assert {row["customer"]: row["total"] for row in body["results"]} == {
        row["row_id"]: f"{row['row_total']:.2f}" for row in selectors.contribution(user=user)
    }
    body = client.get(API + "contribution/", {"year": 2025, "ordering": "name"}).json()
    names = [row["customer_name"] for row in body["results"]]
    pinyin = dict(Customer.objects.values_list("name", "name_pinyin"))
    assert names == sorted(names, key=lambda name: pinyin[name])  # in pinyin order, as the customer list

    body = client.get(API + "composition/", {"by": "satisfaction"}).json()
    assert body["by"] == "satisfaction" and body["total"] == 5
    assert {row["key"]: row["count"] for row in body["results"]} == {5: 1, 4: 2, 3: 1, 2: 1, 1: 0}

    body = client.get(API + "services/", {"year": 2026}).json()
    assert body["year"] == 2026
    assert body["total"] == sum(g.count for g in selectors.service_composition(user=user, year=2026))

    body = client.get(API + "churn/", {"customer": "", "manager": ""}).json()
    assert body["count"] == 2
    assert {row["customer_name"] for row in body["results"]} == {"杭州西湖贸易有限公司", "无锡太湖纺织有限公司"}
    assert {row["manager_name"] for row in body["results"]} == {"刘洋", "周杰"}

    client.force_login(report_data.agent)
    assert client.get(API + "composition/").status_code == 403


def test_the_schema_describes_the_reports(client, report_data):
    client.force_login(report_data.sales.executive)
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("contribution", "composition", "services", "churn"):
        assert f"/api/v1/reports/{path}/" in schema["paths"]
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reports/contribution/"]["get"]["parameters"]}
    assert {"customer", "year", "ordering", "page"} <= parameters


def sheet_rows(response) -> list[list]:
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def test_exports_hold_the_reports_rows_and_need_the_export_function(client, report_data):
    sales = report_data.sales
    client.force_login(sales.executive)
    url = reverse("imports:export_new")
    rows = sheet_rows(client.get(url, {"type": "reports-contribution", "format": "xlsx", "year": "2025"}))
    assert rows[0] == ["客户编号", "客户名称", "订单总金额"]
    expected = selectors.contribution(user=sales.executive, year=2025)
    assert [(row[1], row[2]) for row in rows[1:]] == [(c["row_name"], float(c["row_total"])) for c in expected]

    rows = sheet_rows(client.get(url, {"type": "reports-composition", "format": "xlsx", "by": "credit"}))
    assert [row[:2] for row in rows[1:]] == [["5", 3], ["4", 1], ["3", 1], ["2", 1], ["1", 1]]
    assert [row[2] for row in rows[1:]] == pytest.approx([3 / 7, 1 / 7, 1 / 7, 1 / 7, 1 / 7])

    rows = sheet_rows(client.get(url, {"type": "reports-services", "format": "xlsx", "year": "2025"}))
    assert sum(row[1] for row in rows[1:]) == 4

    rows = sheet_rows(client.get(url, {"type": "reports-churn", "format": "xlsx", "customer": "浦江"}))
    assert [row[1] for row in rows[1:]] == ["深圳浦江物流有限公司"]

    # The supervisor's export is their scope: the Shenzhen churn is not in it.
    client.force_login(sales.supervisor)
    rows = sheet_rows(client.get(url, {"type": "reports-churn", "format": "xlsx"}))
    assert sorted(row[1] for row in rows[1:]) == ["无锡太湖纺织有限公司", "杭州西湖贸易有限公司"]

    # A manager reads the reports but has no export function.
    client.force_login(sales.manager)
    assert client.get(url, {"type": "reports-churn", "format": "xlsx"}).status_code == 403
    page = client.get(reverse("reports:churn")).content.decode()
    assert 'data-testid="report-export"' not in page


@pytest.mark.parametrize("name", PAGES)
def test_a_report_page_reads_a_fixed_number_of_queries_whatever_its_rows(client, report_data, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.churn.models import ChurnWarning
    from crm.customers.testing import make_customer
    from crm.orders.testing import make_order

    client.force_login(report_data.sales.executive)

    def queries() -> int:
        client.get(reverse(name))  # warm: the session, the menu's caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    before = queries()
    for n in range(3):
        customer = make_customer(manager=report_data.sales.other, name=f"广州白云第{n}贸易有限公司")
        make_order(customer)
        ChurnWarning.objects.create(customer=customer, state="confirmed", last_order_on="2025-01-01",
                                    confirmed_at="2026-10-01T10:00:00+08:00")
    assert queries() == before


@pytest.mark.parametrize("page", ["abc", "-1", "0", "9" * 30, "2"])
def test_any_page_number_answers_without_a_500(client, report_data, page):
    client.force_login(report_data.sales.executive)
    for name in ("reports:contribution", "reports:churn"):
        assert client.get(reverse(name), {"page": page}).status_code == 200
    for path in ("contribution/", "churn/"):
        response = client.get(API + path, {"page": page})
        assert response.status_code in (200, 404)
        assert "error" in response.json() or "results" in response.json()
