"""Charts on lists (issue 17 §3): each chart equals a straightforward computation over the
records the role may see, the numbers differ by role, bad input is a 400 in JSON, and a field a
user sees masked cannot be grouped or summed by them."""

from collections import defaultdict
from decimal import Decimal

import pytest
from django.http import QueryDict

from crm.access.engine import forget
from crm.access.models import FieldRule, Role
from crm.charts import registry
from crm.charts.selectors import chart_data, chart_settings
from crm.core.errors import ValidationFailed
from crm.customers.models import Contract, Customer

pytestmark = pytest.mark.django_db
API = "/api/v1/charts/"


def owners_seen(sales, role: str) -> set:
    """Whose records each role sees, written out from the organisation (not asked of the engine):
    a manager their own, the supervisor 上海分公司's two managers, the executive everyone."""
    return {
        "manager": {sales.manager.pk},
        "supervisor": {sales.manager.pk, sales.colleague.pk},
        "executive": {sales.manager.pk, sales.colleague.pk, sales.other.pk},
    }[role]


def chart(user, code: str, query: str) -> dict:
    source = registry.source(code)
    params = QueryDict(query)
    return chart_data(user=user, source=source, settings=chart_settings(user=user, source=source, params=params),
                      params=params)


def by_key(result: dict, series: int = 0) -> dict:
    return {c["key"]: v for c, v in zip(result["categories"], result["series"][series]["values"], strict=True)}


@pytest.mark.parametrize("role", ["manager", "supervisor", "executive"])
def test_customer_charts_equal_a_loop_over_the_records_the_role_sees(sales, chart_data, role):
    user = getattr(sales, role)
    seen = [c for c in Customer.objects.all() if c.manager_id in owners_seen(sales, role)]
    count, revenue = defaultdict(int), defaultdict(Decimal)
    revenues = defaultdict(list)
    for customer in seen:
        count[str(customer.level_id)] += 1
        if customer.annual_revenue is not None:
            revenue[str(customer.level_id)] += customer.annual_revenue
            revenues[str(customer.level_id)].append(customer.annual_revenue)
    assert by_key(chart(user, "customers", "group=level")) == dict(count)
    summed = by_key(chart(user, "customers", "group=level&agg=sum&measure=annual_revenue"))
    assert summed == {k: float(revenue[k]) for k in count}
    averaged = by_key(chart(user, "customers", "group=level&agg=avg&measure=annual_revenue"))
    assert averaged == {k: float(round(sum(v) / len(v), 2)) if v else None for k, v in
                        ((k, revenues[k]) for k in count)}
    # Two groupings: one series per manager, the counts per level and manager.
    result = chart(user, "customers", "group=level&group2=manager&chart=line")
    pairs = defaultdict(int)
    for customer in seen:
        pairs[(str(customer.level_id), str(customer.manager_id))] += 1
    for index, series in enumerate(result["series"]):
        for key, value in by_key(result, index).items():
            assert (value or 0) == pairs.get((key, series["key"]), 0)
    # By month of creation, in time order.
    months = defaultdict(int)
    for customer in seen:
        months[customer.created_at.astimezone().strftime("%Y-%m-01")] += 1
    by_month = chart(user, "customers", "group=created_month")
    assert by_key(by_month) == dict(months)
    assert [c["key"] for c in by_month["categories"]] == sorted(months)


def test_the_numbers_differ_by_role_and_follow_the_list_filters(sales, chart_data):
    totals = {role: chart(getattr(sales, role), "customers", "group=level")["total"]
              for role in ("manager", "supervisor", "executive")}
    assert totals["manager"] < totals["supervisor"] < totals["executive"] == Customer.objects.count()
    level = chart_data[0].level_id
    filtered = chart(sales.executive, "customers", f"group=manager&level={level}")
    assert filtered["total"] == Customer.objects.filter(level_id=level).count()
    link = filtered["categories"][0]["link"]
    assert link.startswith("/customers/?") and f"level={level}" in link and "manager=" in link and "group=" not in link


@pytest.mark.parametrize("role", ["manager", "supervisor", "executive"])
def test_contract_amounts_by_status_equal_a_loop(sales, chart_data, role):
    user = getattr(sales, role)
    expected = defaultdict(Decimal)
    for contract in Contract.objects.all():
        if contract.owner_id in owners_seen(sales, role):
            expected[contract.status] += contract.amount
    result = chart(user, "contracts", "group=status&agg=sum&measure=amount&chart=pie")
    assert by_key(result) == {k: float(v) for k, v in expected.items()}


def test_every_registered_list_charts_its_records_by_every_field(sales, chart_data):
    for source in registry.sources():
        for group in source.groups:
            result = chart(sales.executive, source.code, f"group={group.key}")
            assert result["categories"] is not None, (source.code, group.key)
        for measure in source.measures:
            chart(sales.executive, source.code, f"group={source.groups[0].key}&agg=avg&measure={measure.key}")


def test_the_api_answers_the_chart_and_400_for_bad_input(client, sales, chart_data):
    client.force_login(sales.supervisor)
    answer = client.get(f"{API}customers/", {"group": "level", "chart": "pie"})
    assert answer.status_code == 200
    assert answer.json()["total"] == chart(sales.supervisor, "customers", "group=level")["total"]
    for bad, field in [
        ({}, "group"),
        ({"group": "nonsense"}, "group"),
        ({"group": "level", "group2": "level"}, "group2"),
        ({"group": "level", "chart": "radar"}, "chart"),
        ({"group": "level", "agg": "median"}, "agg"),
        ({"group": "level", "agg": "sum"}, "measure"),
        ({"group": "level", "agg": "sum", "measure": "name"}, "measure"),
        ({"group": "level", "group2": "manager", "chart": "pie"}, "group2"),
        ({"group": "level", "created_from": "yesterday"}, None),
    ]:
        answer = client.get(f"{API}customers/", bad)
        assert answer.status_code == 400, bad
        assert answer.json()["error"]["code"] == "validation_error"
        if field:
            assert field in answer.json()["error"]["fields"], bad
    assert client.get(f"{API}nothing/", {"group": "level"}).status_code == 404
    assert client.get(f"{API}contracts/", {"group": "status", "signed_from": "2026-13-01"}).status_code == 400


def test_a_list_the_user_may_not_view_is_403(client, make_user, org, chart_data):
    agent = make_user("agent", role="service", department=org.head, name="王客服")
    client.force_login(agent)
    assert client.get(f"{API}contracts/", {"group": "status"}).status_code == 403


def test_a_masked_field_cannot_be_summed_or_grouped_by_who_sees_it_masked(client, sales, chart_data):
    FieldRule.objects.create(role=Role.objects.get(code="manager"), resource="customers.customer",
                             field="annual_revenue", rule="masked")
    FieldRule.objects.create(role=Role.objects.get(code="manager"), resource="customers.contract",
                             field="amount", rule="hidden")
    forget(sales.manager)
    client.force_login(sales.manager)
    answer = client.get(f"{API}customers/", {"group": "level", "agg": "sum", "measure": "annual_revenue"})
    assert answer.status_code == 400 and "measure" in answer.json()["error"]["fields"]
    answer = client.get(f"{API}contracts/", {"group": "status", "agg": "avg", "measure": "amount"})
    assert answer.status_code == 400
    client.force_login(sales.executive)  # no rule for executives
    assert client.get(f"{API}customers/", {"group": "level", "agg": "sum", "measure": "annual_revenue"}).status_code \
        == 200


def test_a_chart_is_one_group_by_and_one_query_for_its_labels_whatever_the_rows(sales, chart_data):
    """The records never come to Python: as many queries for 18 customers as for 36."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from crm.charts.tests.data import make_chart_data

    def queries() -> list[str]:
        forget(sales.executive)
        chart(sales.executive, "customers", "group=level&group2=manager")  # the policy read and cached
        with CaptureQueriesContext(connection) as caught:
            chart(sales.executive, "customers", "group=level&group2=manager")
        return [q["sql"] for q in caught.captured_queries]

    before = queries()
    assert sum("GROUP BY" in sql for sql in before) == 1
    make_chart_data(sales, prefix="再一批")
    # Besides the GROUP BY: the levels' names, the managers' names, the list's custom field filters.
    assert len(queries()) == len(before) <= 5


@pytest.mark.parametrize("role", ["manager", "supervisor", "executive"])
def test_lead_charts_equal_a_loop_over_the_leads_the_role_sees(sales, role):
    from crm.leads.models import Lead
    from crm.leads.services import lead_create

    for i, owner in enumerate([sales.manager, sales.manager, sales.colleague, sales.other] * 2):
        data = {"company": f"线索图表{i}号公司", "name": f"联系人{i}", "mobile": f"1391234{i:04d}"}
        lead_create(actor=owner, data=data, confirm_duplicates=True)
    expected = defaultdict(int)
    for lead in Lead.objects.all():
        if lead.owner_id in owners_seen(sales, role):
            expected[str(lead.owner_id)] += 1
    assert by_key(chart(getattr(sales, role), "leads", "group=owner&view=all")) == dict(expected)


def test_a_concealed_field_is_not_offered_for_grouping_either(client, sales, chart_data):
    """No list groups by a protected field today; a list that did would not offer it to whom it is masked."""
    from crm.charts import fields
    from crm.charts.registry import ChartSource
    from crm.charts.selectors import offered
    from crm.customers.permissions import CUSTOMER

    source = ChartSource(code="test-phones", label="电话", resource=CUSTOMER, list_url="customers:list",
                         records=lambda user, params: Customer.objects.all(),
                         groups=[fields.choice("phone", "电话", []), fields.choice("status", "状态", [])])
    FieldRule.objects.create(role=Role.objects.get(code="manager"), resource=CUSTOMER, field="phone", rule="masked")
    forget(sales.manager)
    assert [g.key for g in offered(user=sales.manager, source=source)[0]] == ["status"]
    assert [g.key for g in offered(user=sales.executive, source=source)[0]] == ["phone", "status"]
    with pytest.raises(ValidationFailed) as caught:
        chart_settings(user=sales.manager, source=source, params=QueryDict("group=phone"))
    assert "group" in caught.value.fields


@pytest.mark.parametrize("role", ["manager", "supervisor", "executive"])
def test_opportunity_amounts_by_owner_equal_a_loop(sales, chart_data, role):
    from crm.opportunities.models import Opportunity
    from crm.opportunities.services import opportunity_create

    for i, customer in enumerate(chart_data[:9]):
        data = {"source": "官网", "customer_name": customer.name, "probability": "40", "summary": f"图表商机{i}",
                "contact_name": "李雷", "contact_phone": "0512-65123456", "description": "来电咨询",
                "expected_amount": str(1000 + 250 * i)}
        opportunity_create(actor=customer.manager, data=data, customer=customer)
    expected = defaultdict(Decimal)
    for opportunity in Opportunity.objects.all():
        if opportunity.owner_id in owners_seen(sales, role):
            expected[str(opportunity.owner_id)] += opportunity.expected_amount or 0
    result = chart(getattr(sales, role), "opportunities", "group=owner&agg=sum&measure=expected_amount&view=all")
    assert by_key(result) == {k: float(v) for k, v in expected.items()}
    assert len(expected) == len(owners_seen(sales, role))
