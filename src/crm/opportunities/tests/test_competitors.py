"""Competitors on opportunities (CMP-3, OPP-10) and sharing (OPP-11): the salesperson sees the
weaknesses of the competitors the customer also considers; a lost deal names the competitor it went
to; win and loss against each competitor over the opportunities in scope; a supervisor shares a
subordinate's opportunity, and a view-only share does not share further."""

from django.urls import reverse

from crm.competitors.services import competitor_create
from crm.customers.testing import picklist
from crm.opportunities import board, services
from crm.testing import api_client

DATA = {"customer_name": "客户", "probability": 20, "summary": "概要", "description": "描述"}


def _rival(sales, name, **data):
    return competitor_create(actor=sales.supervisor, data={"name": name, "threat_level": "high", **data})


def _developing(sales, owner=None):
    opportunity = services.opportunity_create(actor=sales.supervisor, data=DATA)
    return services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=owner or sales.manager)


def test_the_detail_page_shows_the_competitors_weaknesses(client, sales):
    rival = _rival(sales, "金蝶云", weaknesses="实施周期长，二次开发贵", strategy="强调上线快")
    opportunity = _developing(sales)
    client.force_login(sales.manager)
    url = reverse("opportunities:competitors", args=[opportunity.pk])
    assert client.post(url, {"competitors": [rival.pk]}).status_code == 302
    page = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    assert "金蝶云" in page and "实施周期长" in page and "强调上线快" in page


def test_win_and_loss_against_each_competitor(sales):
    rival, other = _rival(sales, "用友"), _rival(sales, "纷享销客")
    won, lost, open_one, lost_elsewhere = (_developing(sales) for _ in range(4))
    for opportunity in (won, lost, open_one, lost_elsewhere):
        services.opportunity_set_competitors(actor=sales.manager, opportunity=opportunity, competitors=[rival])
    services.opportunity_succeed(actor=sales.manager, opportunity=won, customer_data={"region": picklist("region")})
    services.opportunity_fail(actor=sales.manager, opportunity=lost, lost_to=rival)
    services.opportunity_fail(actor=sales.manager, opportunity=lost_elsewhere, lost_to=other)
    rows = {row["name"]: row for row in board.against_competitors(user=sales.supervisor)}
    assert (rows["用友"]["considered"], rows["用友"]["open"], rows["用友"]["won"]) == (4, 1, 1)
    assert (rows["用友"]["lost_to_it"], rows["用友"]["lost_otherwise"], rows["用友"]["win_rate"]) == (1, 1, 50)
    assert (rows["纷享销客"]["lost_to_it"], rows["纷享销客"]["win_rate"]) == (1, 0)  # counted among its competitors
    assert board.against_competitors(user=sales.other) == []


def test_the_api_sets_competitors_and_the_one_lost_to(sales):
    rival = _rival(sales, "销售易")
    opportunity = _developing(sales)
    api = api_client(sales.manager)
    url = f"/api/v1/opportunities/{opportunity.pk}/"
    assert api.patch(url, {"competitors": [rival.pk]}, format="json").json()["competitors"] == [rival.pk]
    lost = api.post(f"{url}fail/", {"lost_to": rival.pk}, format="json").json()
    assert lost["status"] == "lost" and lost["lost_to"] == rival.pk
    assert api.patch(url, {"competitors": []}, format="json").json()["error"]["code"] == "illegal_transition"


def test_the_against_page(client, sales):
    rival = _rival(sales, "用友")
    services.opportunity_set_competitors(actor=sales.manager, opportunity=_developing(sales), competitors=[rival])
    client.force_login(sales.supervisor)
    page = client.get(reverse("opportunities:against_competitors")).content.decode()
    assert 'data-competitor="用友"' in page


# --- sharing (OPP-11) -----------------------------------------------------------------------------------------------
def test_a_supervisor_shares_a_subordinates_opportunity(client, sales):
    opportunity = _developing(sales)
    client.force_login(sales.supervisor)
    response = client.post(
        reverse("opportunities:share", args=[opportunity.pk]), {"users": [sales.other.pk], "can_edit": "on"}
    )
    assert response.status_code == 302
    client.force_login(sales.other)
    assert client.get(reverse("opportunities:detail", args=[opportunity.pk])).status_code == 200
    assert services.may_develop(sales.other, opportunity)
    client.force_login(sales.supervisor)
    client.post(reverse("opportunities:unshare", args=[opportunity.pk, sales.other.pk]))
    client.force_login(sales.other)
    assert client.get(reverse("opportunities:detail", args=[opportunity.pk])).status_code == 404


def test_the_api_shares_and_a_colleague_without_scope_may_not(sales):
    opportunity = _developing(sales)
    url = f"/api/v1/opportunities/{opportunity.pk}/"
    shared = api_client(sales.manager).post(f"{url}share/", {"users": [sales.colleague.pk]}, format="json")
    assert shared.status_code == 200
    assert api_client(sales.colleague).get(url).status_code == 200
    shared_view = api_client(sales.colleague).post(f"{url}share/", {"users": [sales.other.pk]}, format="json")
    assert shared_view.status_code == 403  # a view-only share does not let them share further
