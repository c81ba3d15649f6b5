"""Lists answer in a fixed number of queries whatever their size; the workbench shows my targets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.salesadmin.services.reports import report_create
from crm.salesadmin.services.targets import target_set
from crm.salesadmin.tests.conftest import a_claim
from crm.testing import api_client

pytestmark = pytest.mark.django_db


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_claim_and_report_lists_do_not_grow(client, sales):
    api = api_client(sales.supervisor)
    client.force_login(sales.supervisor)
    a_claim(sales.manager, "10")
    report_create(actor=sales.manager, kind="week", period_start=timezone.localdate(), data={"summary": "a"},
                  submit=True)
    urls = ["/api/v1/expense-claims/", reverse("salesadmin:claims"), "/api/v1/work-reports/?tab=team",
            reverse("salesadmin:reports") + "?tab=team"]
    [_count(api if url.startswith("/api") else client, url) for url in urls]  # caches warm
    before = [_count(api if url.startswith("/api") else client, url) for url in urls]
    for _ in range(4):
        a_claim(sales.manager, "10", "20")
        a_claim(sales.colleague, "30")
    report_create(actor=sales.colleague, kind="week", period_start=timezone.localdate(), data={"summary": "b"},
                  submit=True)
    after = [_count(api if url.startswith("/api") else client, url) for url in urls]
    assert after == before


def test_the_workbench_shows_my_targets(client, sales):
    client.force_login(sales.manager)
    assert "panel-my-targets" not in client.get(reverse("console:home")).content.decode()
    target_set(actor=sales.supervisor, month=timezone.localdate(), user=sales.manager,
               data={"won_amount": "100000", "followups": 10})
    page = client.get(reverse("console:home")).content.decode()
    assert "panel-my-targets" in page and "100,000" in page


def test_the_targets_board_and_the_dashboard_do_not_grow(client, sales, org, make_user):
    """The board's page and the management dashboard with its targets block, whatever the team's size."""
    month = timezone.localdate().replace(day=1)
    target_set(actor=sales.supervisor, month=month, user=sales.manager, data={"won_amount": "1000", "followups": 3})
    client.force_login(sales.supervisor)
    urls = [reverse("salesadmin:targets"), reverse("salesadmin:targets") + "?span=year",
            reverse("reports:dashboard")]
    [_count(client, url) for url in urls]  # caches warm
    before = [_count(client, url) for url in urls]
    for index in range(4):
        person = make_user(f"more{index}", role="manager", department=org.sales1)
        target_set(actor=sales.supervisor, month=month, user=person, data={"won_amount": "500", "followups": 2})
    assert [_count(client, url) for url in urls] == before
