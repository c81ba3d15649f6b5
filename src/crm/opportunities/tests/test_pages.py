"""The opportunity pages (s003/5 §3.1): list tabs, create, edit, delete with confirmation,
assign, plan, success and failure; 404 outside the scope, 400 with messages for bad input."""

import pytest
from django.urls import reverse

from crm.customers.models import Customer
from crm.customers.testing import make_customer, picklist
from crm.opportunities import services
from crm.opportunities.models import Opportunity, OpportunityStatus, PlanItem

HTMX = {"HTTP_HX_REQUEST": "true"}
DATA = {
    "source": "官网",
    "customer_name": "苏州园林设计院",
    "probability": "40",
    "summary": "园林管理软件",
    "contact_name": "李雷",
    "contact_phone": "0512-65123456",
    "description": "来电咨询",
}


def _login(client, user):
    client.force_login(user)
    return client


def test_create_and_list(client, sales):
    _login(client, sales.manager)
    response = client.post(reverse("opportunities:create"), DATA)
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302 and response.url == reverse("opportunities:detail", args=[opportunity.pk])
    page = client.get(reverse("opportunities:list")).content.decode()
    assert opportunity.number in page and "苏州园林设计院" in page
    assert client.get(reverse("opportunities:detail", args=[opportunity.pk])).status_code == 200


def test_bad_input_answers_400_with_messages_and_saves_nothing(client, sales):
    _login(client, sales.manager)
    response = client.post(reverse("opportunities:create"), {**DATA, "probability": "150", "summary": ""})
    assert response.status_code == 400
    assert not Opportunity.objects.exists()
    response = client.post(reverse("opportunities:create"), {**DATA, "contact_phone": "abc"})
    assert response.status_code == 400 and "contact_phone" in response.content.decode()


def test_the_list_tabs_filter_by_status(client, sales):
    unassigned = services.opportunity_create(actor=sales.supervisor, data={**DATA, "probability": 10})
    developing = services.opportunity_create(actor=sales.supervisor, data={**DATA, "customer_name": "开发中的客户"})
    services.opportunity_assign(actor=sales.supervisor, opportunity=developing, owner=sales.manager)
    _login(client, sales.supervisor)
    first = client.get(reverse("opportunities:list")).content.decode()
    assert unassigned.number in first and developing.number not in first
    second = client.get(reverse("opportunities:list") + "?view=developing").content.decode()
    assert developing.number in second and unassigned.number not in second
    _login(client, sales.manager)
    mine = client.get(reverse("opportunities:developing")).content.decode()
    assert developing.number in mine


def test_out_of_scope_is_404(client, sales):
    theirs = services.opportunity_create(actor=sales.other, data=DATA)
    _login(client, sales.manager)
    for name in ("detail", "edit", "assign", "succeed", "fail", "plan_add"):
        assert client.get(reverse(f"opportunities:{name}", args=[theirs.pk])).status_code in (403, 404)
    assert client.get(reverse("opportunities:detail", args=[theirs.pk])).status_code == 404


def test_edit_and_delete_buttons_only_while_unassigned_and_for_the_creator(client, sales):
    opportunity = services.opportunity_create(actor=sales.manager, data=DATA)
    _login(client, sales.supervisor)
    page = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    assert 'data-testid="opportunity-edit"' in page and 'data-testid="opportunity-delete"' not in page
    _login(client, sales.manager)
    page = client.get(reverse("opportunities:detail", args=[opportunity.pk])).content.decode()
    assert 'data-testid="opportunity-delete"' in page and "data-confirm" in page
    response = client.post(reverse("opportunities:delete", args=[opportunity.pk]))
    assert response.status_code == 302 and not Opportunity.objects.exists()


def test_assign_plan_and_succeed_through_the_dialogs(client, sales, seeded):
    opportunity = services.opportunity_create(actor=sales.supervisor, data=DATA)
    _login(client, sales.supervisor)
    response = client.post(reverse("opportunities:assign", args=[opportunity.pk]), {"owner": sales.manager.pk}, **HTMX)
    assert response.status_code == 204 or response.status_code == 200
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.DEVELOPING and opportunity.owner == sales.manager
    _login(client, sales.manager)
    url = reverse("opportunities:plan_add", args=[opportunity.pk])
    assert client.post(url, {"date": "2026-12-10", "content": ""}).status_code == 400
    client.post(url, {"date": "2026-12-10", "content": "电话沟通"})
    item = PlanItem.objects.get()
    edit = reverse("opportunities:plan_edit", args=[opportunity.pk, item.pk])
    client.post(edit, {"date": "2027-01-01", "content": "上门"})
    item.refresh_from_db()
    assert (item.date.isoformat(), item.content) == ("2026-12-10", "上门")
    client.post(reverse("opportunities:plan_result", args=[opportunity.pk, item.pk]), {"result": "同意采购"})
    item.refresh_from_db()
    assert item.result == "同意采购"
    page = client.get(reverse("opportunities:succeed", args=[opportunity.pk])).content.decode()
    assert 'name="region"' in page
    response = client.post(
        reverse("opportunities:succeed", args=[opportunity.pk]),
        {"region": picklist("region").pk, "level": picklist("customer_level").pk},
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == OpportunityStatus.WON
    assert Customer.objects.get().name == "苏州园林设计院"


def test_success_dialog_says_which_customer_is_linked(client, sales):
    existing = make_customer(manager=sales.manager, name="苏州园林设计院")
    opportunity = services.opportunity_create(actor=sales.supervisor, data=DATA)
    services.opportunity_assign(actor=sales.supervisor, opportunity=opportunity, owner=sales.colleague)
    _login(client, sales.colleague)
    page = client.get(reverse("opportunities:succeed", args=[opportunity.pk])).content.decode()
    assert 'name="region"' not in page.replace('type="hidden" name="region"', "")
    # the customer is the manager's, not the colleague's: its number is not shown to someone who cannot see it
    assert existing.number not in page


def test_the_customer_page_shows_its_opportunities(client, sales):
    customer = make_customer(manager=sales.manager, name="宁波港务集团")
    opportunity = services.opportunity_create(actor=sales.manager, data=DATA, customer=customer)
    _login(client, sales.manager)
    page = client.get(reverse("customers:detail", args=[customer.pk])).content.decode()
    assert opportunity.number in page


@pytest.mark.parametrize("query", ["苏州园林", "园林管理"])
def test_global_search_finds_opportunities_in_scope(client, sales, query):
    services.opportunity_create(actor=sales.manager, data=DATA)
    _login(client, sales.manager)
    assert "苏州园林设计院" in client.get(reverse("console:search") + f"?q={query}").content.decode()
    _login(client, sales.other)
    assert "苏州园林设计院" not in client.get(reverse("console:search") + f"?q={query}").content.decode()
