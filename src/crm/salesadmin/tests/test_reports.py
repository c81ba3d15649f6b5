"""Work reports (issue 18 §2): figures from the records (the same counting as targets), submit,
the superior scores; the team's reports for the supervisor; reminders once per period."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from crm.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from crm.jobs.registry import get as job_get
from crm.notifications.models import Notification
from crm.salesadmin.models import ReportStatus
from crm.salesadmin.selectors.reports import report_get, report_list
from crm.salesadmin.services.reports import report_create, report_review, report_update
from crm.salesadmin.tests.work_data import make_work
from crm.testing import api_client, api_error

pytestmark = pytest.mark.django_db
MONTH = datetime.date(2026, 11, 1)


def test_a_monthly_report_carries_the_months_figures_and_is_scored(sales):
    make_work(sales)
    report = report_create(actor=sales.manager, kind="month", period_start=datetime.date(2026, 11, 17),
                           data={"summary": "完成两单", "plan": "跟进回款"})
    assert (report.period_start, report.period_end) == (MONTH, datetime.date(2026, 11, 30))
    # (the opportunities were created today, not in November)
    assert report.figures == {"followups": "3", "customers_contacted": "2", "new_customers": "2",
                              "new_opportunities": "0", "won_amount": "150000.50", "received": "70000.00"}
    with pytest.raises(NotFound):  # a draft is the author's alone
        report_get(user=sales.supervisor, pk=report.pk)
    with pytest.raises(Conflict):
        report_review(actor=sales.supervisor, report=report, score=80, comment="")
    report = report_update(actor=sales.manager, report=report, data={"summary": "完成两单，回款七万"}, submit=True)
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(Conflict):
        report_update(actor=sales.manager, report=report, data={"summary": "改"})
    assert [r.pk for r in report_list(user=sales.supervisor, tab="team")] == [report.pk]
    assert [r.pk for r in report_list(user=sales.supervisor, tab="to_review")] == [report.pk]
    assert not report_list(user=sales.other, tab="team").exists()
    with pytest.raises(NotFound):
        report_get(user=sales.other, pk=report.pk)
    with pytest.raises(PermissionDenied):
        report_review(actor=sales.manager, report=report, score=100, comment="")
    with pytest.raises(ValidationFailed):
        report_review(actor=sales.supervisor, report=report, score=120, comment="")
    report = report_review(actor=sales.supervisor, report=report, score=85, comment="继续保持")
    assert (report.status, report.score, report.reviewer) == (ReportStatus.REVIEWED, 85, sales.supervisor)


def test_one_report_per_period_and_no_future(sales):
    report_create(actor=sales.manager, kind="week", period_start=datetime.date(2026, 11, 4), data={"summary": "周报"})
    with pytest.raises(Conflict):  # same week, another day of it
        report_create(actor=sales.manager, kind="week", period_start=datetime.date(2026, 11, 8),
                      data={"summary": "再写"})
    with pytest.raises(ValidationFailed):
        report_create(actor=sales.manager, kind="week", period_start=datetime.date(2099, 1, 5), data={"summary": "x"})
    with pytest.raises(ValidationFailed):
        report_create(actor=sales.manager, kind="week", period_start=datetime.date(2026, 10, 5), data={"summary": ""})


def test_missing_reports_are_reminded_once(sales):
    today = datetime.date(2026, 12, 2)  # the last week is 11-23…11-29, the last month November
    report_create(actor=sales.manager, kind="week", period_start=datetime.date(2026, 11, 23),
                  data={"summary": "周报"}, submit=True)
    job = job_get("salesadmin.remind_reports")
    first = job(None, today=today.isoformat())
    titles = set(Notification.objects.filter(recipient=sales.manager).values_list("title", flat=True))
    assert len(titles) == 1 and "2026-11-01" in titles.pop()  # the monthly one only
    assert Notification.objects.filter(recipient=sales.colleague).count() == 2
    assert first["week"] >= 1 and first["month"] >= 2
    assert job(None, today=today.isoformat()) == {"week": 0, "month": 0}


def test_api_and_pages(client, sales):
    manager = api_client(sales.manager)
    created = manager.post("/api/v1/work-reports/", {"kind": "week", "period_start": "2026-11-23",
                                                     "summary": "拜访三家客户", "submit": True}, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["figures"]["won_amount"] == "0.00"
    api_error(manager.post("/api/v1/work-reports/", {"kind": "year", "period_start": "2026-11-23",
                                                     "summary": "x"}), 400, "validation_error")
    api_error(api_client(sales.other).get(f"/api/v1/work-reports/{pk}/"), 404)
    api_error(manager.post(f"/api/v1/work-reports/{pk}/review/", {"score": 90}), 403)
    scored = api_client(sales.supervisor).post(f"/api/v1/work-reports/{pk}/review/", {"score": 90, "comment": "好"})
    assert scored.json()["score"] == 90
    team = api_client(sales.supervisor).get("/api/v1/work-reports/?tab=team").json()
    assert [row["id"] for row in team["results"]] == [pk]
    client.force_login(sales.supervisor)
    assert client.get(reverse("salesadmin:reports") + "?tab=team").status_code == 200
    page = client.get(reverse("salesadmin:report_detail", args=[pk]))
    assert page.status_code == 200 and "拜访三家客户" in page.content.decode()
    bad = client.post(reverse("salesadmin:report_detail", args=[pk]), {"score": "abc"})
    assert bad.status_code == 400
    client.force_login(sales.other)
    assert client.get(reverse("salesadmin:report_detail", args=[pk])).status_code == 404
    assert Decimal(created.json()["figures"]["received"]) == 0
