"""Sales administration's exports (issue 18): the targets with actuals and attainment, work reports,
expense claims and their lines, with the list pages' filters and the viewer's data scope: a salesperson's
file holds their own rows, a supervisor's the subtree's, an executive's everybody's."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from crm.core.errors import PermissionDenied
from crm.imports.services import exports as service
from crm.salesadmin.services.claims import claim_submit
from crm.salesadmin.services.reports import report_create
from crm.salesadmin.tests.conftest import a_claim
from crm.salesadmin.tests.test_targets import (
    COLLEAGUE_TARGET,
    MGR_TARGET,
    targets,  # noqa: F401  (the fixture)
)
from crm.salesadmin.tests.work_data import independent

pytestmark = pytest.mark.django_db


def _rows(actor, record_type: str, params: str = "") -> list[dict]:
    exported = service.export_now(actor=actor, record_type=record_type, params=params, fmt="csv")
    return list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))


def test_targets_with_actuals_and_attainment(sales, org, targets):  # noqa: F811  (the fixture)
    rows = {row["销售人员"]: row for row in _rows(sales.supervisor, "sales-targets", "month=2026-11")}
    assert set(rows) == {"张主管", "刘洋", "周杰"}  # Shenzhen's manager is not below the supervisor
    mine = independent({sales.manager.pk}, datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))
    row = rows["刘洋"]
    assert row["部门"] == "销售一部"
    assert Decimal(row["赢单金额：任务"]) == Decimal(MGR_TARGET["won_amount"])
    assert Decimal(row["赢单金额：实际"]) == mine["won_amount"]
    assert row["赢单金额：完成率（%）"] == str((mine["won_amount"] * 100 / Decimal(MGR_TARGET["won_amount"]))
                                          .quantize(Decimal("0.1")))
    assert int(float(row["跟进次数：实际"])) == mine["followups"]

    team = _rows(sales.supervisor, "sales-targets", f"month=2026-11&department={org.sales1.pk}")
    assert {row["销售人员"] for row in team} == {"刘洋", "周杰"}  # the page's department filter
    assert {row["销售人员"] for row in _rows(sales.manager, "sales-targets", "month=2026-11")} == {"刘洋"}
    assert _rows(sales.supervisor, "sales-targets", "month=2026-10") == []  # no targets in October
    quarter = {row["销售人员"]: row for row in _rows(sales.executive, "sales-targets", "span=quarter&month=2026-11")}
    assert Decimal(quarter["周杰"]["新增客户：任务"]) == COLLEAGUE_TARGET["new_customers"]


def test_claims_and_lines_scoped_and_filtered(sales):
    mine = a_claim(sales.manager, "300", "120.50", title="刘洋的差旅")
    claim_submit(actor=sales.manager, claim=mine)  # no flow: approved at once
    a_claim(sales.manager, "80", title="刘洋的草稿")
    a_claim(sales.colleague, "200", title="周杰的招待")
    a_claim(sales.other, "999", title="陈静的差旅")

    assert {r["标题"] for r in _rows(sales.manager, "expense-claims")} == {"刘洋的差旅", "刘洋的草稿"}
    assert {r["标题"] for r in _rows(sales.supervisor, "expense-claims")} == {"刘洋的差旅", "刘洋的草稿", "周杰的招待"}
    assert len(_rows(sales.executive, "expense-claims")) == 4
    approved = _rows(sales.supervisor, "expense-claims", "status=approved")
    assert [r["标题"] for r in approved] == ["刘洋的差旅"] and Decimal(approved[0]["合计（元）"]) == Decimal("420.50")

    lines = _rows(sales.manager, "expense-lines", "status=approved")
    assert [(r["报销单号"], Decimal(r["金额（元）"])) for r in lines] == [(mine.number, Decimal("300")),
                                                                       (mine.number, Decimal("120.50"))]
    assert len(_rows(sales.supervisor, "expense-lines")) == 4
    assert service.export_count(actor=sales.supervisor, record_type="expense-lines") == 4


def test_work_reports_scoped_and_filtered(sales):
    report_create(actor=sales.manager, kind="week", period_start=datetime.date(2026, 11, 16),
                  data={"summary": "拜访三家客户"}, submit=True)
    report_create(actor=sales.manager, kind="month", period_start=datetime.date(2026, 11, 1),
                  data={"summary": "十一月总结"}, submit=True)
    report_create(actor=sales.other, kind="week", period_start=datetime.date(2026, 11, 16),
                  data={"summary": "深圳"}, submit=True)
    assert {r["概要"] for r in _rows(sales.manager, "work-reports")} == {"拜访三家客户", "十一月总结"}
    assert _rows(sales.manager, "work-reports", "tab=team") == []
    team = _rows(sales.supervisor, "work-reports", "tab=team&kind=week")
    assert [r["概要"] for r in team] == ["拜访三家客户"]
    assert {r["概要"] for r in _rows(sales.executive, "work-reports", "tab=team")} == {"拜访三家客户", "十一月总结",
                                                                                   "深圳"}


def test_the_list_pages_link_their_exports(client, sales):
    client.force_login(sales.manager)
    page = client.get(reverse("salesadmin:claims") + "?status=paid").content.decode()
    assert "type=expense-claims&amp;status=paid&amp;format=xlsx" in page
    assert "type=expense-lines&amp;status=paid&amp;format=csv" in page
    assert "type=work-reports" in client.get(reverse("salesadmin:reports")).content.decode()
    assert "type=sales-targets" in client.get(reverse("salesadmin:targets")).content.decode()


def test_export_needs_the_function(sales, make_user, org):
    agent = make_user("svc", role="service", department=org.sales1)
    with pytest.raises(PermissionDenied):
        service.export_now(actor=agent, record_type="expense-claims", fmt="csv")


def test_the_targets_export_through_the_page(client, sales, targets):  # noqa: F811  (the fixture)
    client.force_login(sales.supervisor)
    answer = client.get(reverse("imports:export_new") + "?type=sales-targets&format=xlsx&month=2026-11")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert service.export_count(actor=sales.supervisor, record_type="sales-targets", params="month=2026-11") == 3
