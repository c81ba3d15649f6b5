"""The pages answer in scope, refuse out of scope with 404, and bad input with a form error
(400), never a 500."""

import datetime

import pytest
from django.urls import reverse

from crm.salesadmin.models import ExpenseClaim, Target
from crm.salesadmin.periods import year
from crm.salesadmin.selectors.claims import claim_stats
from crm.salesadmin.services.claims import claim_submit
from crm.salesadmin.tests.conftest import a_claim, expense_type

pytestmark = pytest.mark.django_db


def test_target_pages(client, sales, org):
    client.force_login(sales.supervisor)
    assert client.get(reverse("salesadmin:targets")).status_code == 200
    assert client.get(reverse("salesadmin:targets") + "?span=quarter&month=2026-11").status_code == 200
    assert client.get(reverse("salesadmin:targets") + "?month=garbage").status_code == 400
    form = reverse("salesadmin:target_edit")
    assert client.get(form + f"?user={sales.manager.pk}").status_code == 200
    saved = client.post(form, {"month": "2026-11", "user": sales.manager.pk, "won_amount": "100000",
                               "received": "", "new_customers": "3", "followups": "8"})
    assert saved.status_code == 302
    assert Target.objects.get(user=sales.manager).won_amount == 100000
    refused = client.post(form, {"month": "2026-11", "user": sales.other.pk, "won_amount": "1"})
    assert refused.status_code == 400  # not a choice: the Shenzhen manager is not below the supervisor
    both = client.post(form, {"month": "2026-11", "user": sales.manager.pk, "department": org.sales1.pk})
    assert both.status_code == 400
    negative = client.post(form, {"month": "2026-11", "user": sales.manager.pk, "won_amount": "-3"})
    assert negative.status_code == 400
    review = reverse("salesadmin:review_edit", args=[sales.manager.pk, "2026-11"])
    assert client.post(review, {"score": "95", "comment": "好"}).status_code == 302
    assert client.post(review, {"score": "195"}).status_code == 400
    assert client.get(reverse("salesadmin:review_edit", args=[sales.other.pk, "2026-11"])).status_code == 404
    assert client.get(reverse("salesadmin:review_edit", args=[sales.manager.pk, "nonsense"])).status_code == 404
    client.force_login(sales.manager)
    assert client.get(reverse("salesadmin:targets")).status_code == 200
    assert client.get(form).status_code == 403


def test_claim_pages(client, chain, claims_flow):
    client.force_login(chain.manager)
    assert client.get(reverse("salesadmin:claim_create")).status_code == 200
    travel = expense_type()
    created = client.post(reverse("salesadmin:claim_create"), {
        "title": "差旅", "type_0": travel.pk, "amount_0": "6200", "date_0": "2026-11-03", "description_0": "机票",
        "type_1": travel.pk, "amount_1": "120", "date_1": "2026-11-04"})
    assert created.status_code == 302, created.content.decode()[:3000]
    claim = ExpenseClaim.objects.get()
    assert claim.total == 6320 and claim.lines.count() == 2
    bad = client.post(reverse("salesadmin:claim_create"), {"title": "差旅", "type_0": travel.pk, "amount_0": "",
                                                          "date_0": "2099-01-01"})
    assert bad.status_code == 400 and "invalid-feedback" in bad.content.decode()
    empty = client.post(reverse("salesadmin:claim_create"), {"title": "差旅"})
    assert empty.status_code == 400
    assert client.get(reverse("salesadmin:claim_edit", args=[claim.pk])).status_code == 200
    assert client.post(reverse("salesadmin:claim_submit", args=[claim.pk])).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "in_approval"
    detail = client.get(reverse("salesadmin:claim_detail", args=[claim.pk]))
    assert detail.status_code == 200 and "6,320.00" in detail.content.decode()
    assert client.get(reverse("salesadmin:claims")).status_code == 200
    assert client.get(reverse("salesadmin:claim_stats")).status_code == 200
    client.force_login(chain.colleague)
    for name in ("claim_detail", "claim_edit"):
        assert client.get(reverse(f"salesadmin:{name}", args=[claim.pk])).status_code == 404
    client.force_login(chain.supervisor)
    for group in ("type", "person", "department", "customer", "month"):
        assert client.get(reverse("salesadmin:claim_stats") + f"?group={group}&span=year&month=2026-11"
                          ).status_code == 200


def test_claim_statistics_add_up(chain):
    first = a_claim(chain.manager, "100", "250.5")
    claim_submit(actor=chain.manager, claim=first)  # no flow: approved
    a_claim(chain.colleague, "999")  # a draft does not count
    rows = claim_stats(user=chain.supervisor, period=year(datetime.date(2026, 11, 1)), group="person")
    assert [(r["label"], r["amount"], r["lines"]) for r in rows] == [("刘洋", 350.5, 2)]
    months = claim_stats(user=chain.supervisor, period=year(datetime.date(2026, 11, 1)), group="month")
    assert [r["label"] for r in months] == ["2026-11"]
    assert not claim_stats(user=chain.colleague, period=year(datetime.date(2026, 11, 1)), group="type")
