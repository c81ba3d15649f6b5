"""The chart panel on the list pages, and the customer list's saved views keeping their chart."""

import json

import pytest
from django.urls import reverse

from crm.customers.models import SavedView

pytestmark = pytest.mark.django_db


def page_chart(response) -> dict:
    html = response.content.decode()
    marker = 'id="list-chart-data" type="application/json">'
    start = html.index(marker) + len(marker)
    return json.loads(html[start : html.index("</script>", start)])


def test_the_customer_list_shows_its_chart_and_a_saved_view_keeps_it(client, sales, chart_data):
    client.force_login(sales.supervisor)
    response = client.get(reverse("customers:list"), {"group": "level", "chart": "bar"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-list-chart="list-chart-data"' in html and "charts/charts.js" in html
    assert "<script>" not in html  # CSP: behaviour lives in static files
    data = page_chart(response)
    assert data["total"] == 12 and data["group"] == "level"
    saved = client.post(
        reverse("customers:view_save"),
        {"view_name": "按级别", "group": "level", "chart": "bar", "agg": "count", "status": "normal"},
    )
    view = SavedView.objects.get(name="按级别")
    assert view.chart == {"group": "level", "chart": "bar", "agg": "count"} and view.filters == {"status": "normal"}
    assert "group=level" in saved["Location"]
    opened = client.get(reverse("customers:view_open", args=[view.pk]))
    assert "group=level" in opened["Location"] and "status=normal" in opened["Location"]
    assert page_chart(client.get(opened["Location"]))["total"] == 12


@pytest.mark.parametrize(
    "name, query",
    [
        ("customers:list", {"group": "manager"}),
        ("opportunities:list", {"group": "status", "view": "all"}),
        ("leads:list", {"group": "status", "view": "all"}),
        ("service:list", {"group": "status"}),
        ("customers:contract_list", {"group": "status", "agg": "sum", "measure": "amount"}),
    ],
)
def test_every_registered_list_page_has_the_panel(client, sales, chart_data, name, query):
    client.force_login(sales.executive)
    assert 'data-testid="chart-toggle"' in client.get(reverse(name)).content.decode()
    response = client.get(reverse(name), query)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="chart-error"' not in html
    if name in ("customers:list", "customers:contract_list"):  # the records the test made
        assert page_chart(response)["group"] == query["group"]
    else:
        assert 'data-testid="chart-empty"' in html
    bad = client.get(reverse(name), {"group": "nonsense"})
    assert bad.status_code == 200 and 'data-testid="chart-error"' in bad.content.decode()


def test_the_saved_views_api_keeps_the_chart_and_only_its_parameters(client, sales):
    client.force_login(sales.manager)
    answer = client.post(
        "/api/v1/customer-views/",
        {"name": "按来源", "filters": {"status": "normal"}, "chart": {"group": "source", "chart": "pie", "extra": "x"}},
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    assert answer.json()["chart"] == {"group": "source", "chart": "pie"}
    assert SavedView.objects.get(name="按来源").chart == {"group": "source", "chart": "pie"}
