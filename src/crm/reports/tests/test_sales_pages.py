"""The sales report pages and the dashboard: the chart beside the table, drill-down links that
lead to the records behind a row, bad filters answered with a form error, never a 500."""

import datetime

import pytest
from django.urls import reverse

from crm.reports import work
from crm.reports.periods import Period
from crm.reports.testing_sales import MONTH
from crm.reports.tests.test_pages_and_api import chart

pytestmark = pytest.mark.django_db

PAGES = ["reports:work", "reports:products", "reports:funnel", "reports:dashboard"]
NOVEMBER = {"date_from": "2026-11-01", "date_to": "2026-11-30"}


@pytest.mark.parametrize("name", PAGES)
def test_every_sales_page_answers_the_roles_that_have_it(client, sales_data, name):
    sales = sales_data.sales
    for user in (sales.manager, sales.supervisor, sales.executive):
        client.force_login(user)
        response = client.get(reverse(name), NOVEMBER)
        if name == "reports:dashboard" and user == sales.manager:
            assert response.status_code == 403  # for supervisors and executives
            continue
        assert response.status_code == 200, (name, user)
        html = response.content.decode()
        assert 'data-report-chart="report-chart"' in html
        assert "<script>" not in html
    client.force_login(sales_data.agent)
    assert client.get(reverse(name)).status_code == 403


def test_the_work_page_charts_its_rows_and_drills_down(client, sales_data):
    user = sales_data.sales.supervisor
    client.force_login(user)
    response = client.get(reverse("reports:work"), {**NOVEMBER, "chart": "followups"})
    report = work.work_report(user=user, period=Period(*MONTH))
    data = chart(response)
    assert sorted(data["values"], reverse=True) == data["values"]
    assert sorted(data["labels"]) == sorted(row.name for row in report.rows if row.values["followups"])
    html = response.content.decode()
    manager = sales_data.sales.manager
    new = f"{reverse('customers:list')}?manager={manager.pk}&amp;created_from=2026-11-01&amp;created_to=2026-11-30"
    assert new in html
    listed = client.get(new.replace("&amp;", "&")).content.decode()
    assert "上海浦江电子有限公司" in listed and "杭州西湖贸易有限公司" not in listed  # created in October

    # By team, then a team's people.
    response = client.get(reverse("reports:work"), {**NOVEMBER, "group": "team"})
    team = manager.department_id
    drill = f"team={team}"
    assert drill in response.content.decode()
    people = client.get(reverse("reports:work"), {**NOVEMBER, "team": team}).content.decode()
    assert 'data-name="刘洋"' in people and 'data-name="周杰"' in people and 'data-name="张主管"' not in people


def test_the_products_page_drills_from_a_year_to_its_months(client, sales_data):
    client.force_login(sales_data.sales.executive)
    response = client.get(reverse("reports:products"), {"date_from": "2026-01-01", "date_to": "2026-12-31",
                                                        "by": "year"})
    data = chart(response)
    assert data["labels"] == ["2026"]
    assert "by=month" in data["links"][0] and "date_from=2026-01-01" in data["links"][0]
    months = chart(client.get(data["links"][0]))
    assert {"2026-01", "2026-10", "2026-11"} <= set(months["labels"])
    assert all(label.startswith("2026-") for label in months["labels"])
    assert sum(months["values"]) == pytest.approx(sum(data["values"]))


def test_the_funnel_page_links_each_stage_to_its_opportunities(client, sales_data):
    client.force_login(sales_data.sales.executive)
    response = client.get(reverse("reports:funnel"), NOVEMBER)
    data = chart(response)
    assert data["kind"] == "funnel" and data["values"][0] == 9
    assert all("stage=" in link for link in data["links"])
    html = response.content.decode()
    assert "华为技术有限公司" in html and "价格太高" in html
    listed = client.get(data["links"][0]).status_code
    assert listed == 200


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("reports:work", {"date_from": "2026-13-01"}),
        ("reports:work", {"date_from": "1999-01-01"}),
        ("reports:work", {"date_from": "2026-11-30", "date_to": "2026-11-01"}),
        ("reports:work", {"group": "region"}),
        ("reports:work", {"team": "abc"}),
        ("reports:work", {"chart": "salary"}),
        ("reports:products", {"by": "week"}),
        ("reports:products", {"product": "-1"}),
        ("reports:products", {"category": "x" * 101}),
        ("reports:products", {"date_to": "0001-01-01"}),
        ("reports:funnel", {"pipeline": "99999"}),
        ("reports:funnel", {"date_from": "9999-12-31"}),
    ],
)
def test_bad_filters_on_a_sales_page_are_a_form_error(client, sales_data, name, params):
    client.force_login(sales_data.sales.executive)
    response = client.get(reverse(name), params, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert 'data-testid="report-errors"' in response.content.decode()


def test_the_dashboard_shows_four_periods(client, sales_data):
    client.force_login(sales_data.sales.supervisor)
    html = client.get(reverse("reports:dashboard")).content.decode()
    assert html.count('data-testid="dashboard-card"') == 4
    assert 'data-testid="report-leaderboards"' in html


def test_the_sales_exports_hold_the_reports_rows_and_need_the_export_function(client, sales_data):
    from crm.reports import funnel, products
    from crm.reports.tests.test_pages_and_api import sheet_rows

    sales = sales_data.sales
    url = reverse("imports:export_new")
    for user in (sales.supervisor, sales.executive):
        client.force_login(user)
        rows = sheet_rows(client.get(url, {"type": "reports-work", "format": "xlsx", **NOVEMBER}))
        assert rows[0][:3] == ["销售人员", "团队", "新增客户"]
        report = work.work_report(user=user, period=Period(*MONTH))
        exported = {row[0]: row[2:] for row in rows[1:]}
        assert exported == {
            r.name: [float(r.values[m.key]) if m.money else r.values[m.key] for m in work.MEASURES] for r in report.rows
        }
        rows = sheet_rows(client.get(url, {"type": "reports-work", "format": "xlsx", "group": "team", **NOVEMBER}))
        team = work.work_report(user=user, period=Period(*MONTH), group="team")
        assert {row[0]: row[3] for row in rows[1:]} == {r.name: r.values["customers_contacted"] for r in team.rows}

        rows = sheet_rows(client.get(url, {"type": "reports-products", "format": "xlsx", "by": "month",
                                           "date_from": "2026-01-01", "date_to": "2026-12-31"}))
        chosen = products.ProductFilters(period=Period(datetime.date(2026, 1, 1), datetime.date(2026, 12, 31)))
        assert sum(row[5] for row in rows[1:]) == pytest.approx(
            float(sum(b.amount for b in products.by_period(user=user, filters=chosen)))
        )
        rows = sheet_rows(client.get(url, {"type": "reports-funnel", "format": "xlsx", **NOVEMBER}))
        steps = funnel.funnel(user=user, pipeline=sales_data.pipeline, period=Period(*MONTH))
        assert len(rows) - 1 == steps[0].reached
    client.force_login(sales.manager)  # reads the reports, exports none
    assert client.get(url, {"type": "reports-work", "format": "xlsx"}).status_code == 403
    assert 'data-testid="report-export"' not in client.get(reverse("reports:work")).content.decode()


@pytest.mark.parametrize("name", PAGES)
def test_a_sales_page_reads_a_fixed_number_of_queries_whatever_its_rows(client, sales_data, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.customers.models import FollowUp
    from crm.customers.services.followup_tally import followup_tally_rebuild
    from crm.customers.testing import make_customer
    from crm.orders.testing import make_order
    from crm.reports.testing_sales import at

    client.force_login(sales_data.sales.executive)
    params = {"date_from": "2026-01-01", "date_to": "2026-12-31"}

    def queries() -> int:
        client.get(reverse(name), params)  # warm: the session, the menu's caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name), params).status_code == 200
        return len(captured)

    before = queries()
    method = FollowUp.objects.first().method
    for n in range(3):
        customer = make_customer(manager=sales_data.sales.other, name=f"广州白云第{n}贸易有限公司")
        make_order(customer, ordered_on=datetime.date(2026, 11, 20 + n),
                   lines=[(sales_data.switch, "1", "100.00"), (sales_data.router, "1", "100.00")])
        FollowUp.objects.create(customer=customer, method=method, content="拜访", followed_at=at(
            datetime.date(2026, 11, 20 + n)), created_by=sales_data.sales.colleague)
    followup_tally_rebuild()  # the follow-ups written above, counted (ADR 0027)
    assert queries() == before
