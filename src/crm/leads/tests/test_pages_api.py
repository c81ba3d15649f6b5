"""Lead pages, the public web form and the API (OPP-13): create with the duplicate warning,
claim from the pool, convert; the public form refuses bots and floods and embeds anywhere;
the API's actions; 404 outside the scope."""

import time

from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from crm.customers.testing import picklist
from crm.dictionary.models import Region
from crm.leads import services
from crm.leads.models import Lead, LeadChannel, LeadSettings, LeadStatus
from crm.testing import api_client, api_error

DATA = {"company": "苏州金鸡湖软件园", "name": "顾城", "mobile": "13912340001", "notes": "官网留言"}


def _shown(seconds_ago: int = 10) -> str:
    return signing.dumps(int(time.time()) - seconds_ago, salt="leads.web_form")


def test_create_warns_of_duplicates_then_saves_on_confirmation(client, sales):
    services.lead_create(actor=sales.manager, data=DATA)
    client.force_login(sales.colleague)
    other = {**DATA, "mobile": "", "email": "gu@example.cn"}
    warned = client.post(reverse("leads:create"), other)
    assert warned.status_code == 400 and 'data-testid="lead-duplicates"' in warned.content.decode()
    assert Lead.objects.count() == 1
    saved = client.post(reverse("leads:create"), {**other, "confirm_duplicates": "1"})
    assert saved.status_code == 302 and Lead.objects.count() == 2


def test_a_lead_needs_a_way_to_reach_it(client, sales):
    client.force_login(sales.manager)
    response = client.post(reverse("leads:create"), {"company": "某公司", "name": "某人"})
    assert response.status_code == 400 and not Lead.objects.exists()


def test_pool_page_claim_and_detail(client, sales):
    lead = services.lead_create(actor=sales.supervisor, data=DATA, to_pool=True)
    client.force_login(sales.manager)
    page = client.get(reverse("leads:pool")).content.decode()
    assert f'data-number="{lead.number}"' in page and 'data-testid="lead-claim"' in page
    response = client.post(reverse("leads:claim", args=[lead.pk]))
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.owner == sales.manager
    detail = client.get(reverse("leads:detail", args=[lead.pk])).content.decode()
    assert 'data-testid="lead-convert"' in detail and 'data-testid="lead-follow-up"' in detail


def test_convert_dialog(client, sales):
    lead = services.lead_create(actor=sales.manager, data=DATA)
    client.force_login(sales.manager)
    url = reverse("leads:convert", args=[lead.pk])
    assert 'name="region"' in client.get(url).content.decode()
    response = client.post(
        url, {"region": picklist("region").pk, "create_opportunity": "on", "summary": "软件园 CRM", "probability": "40"}
    )
    assert response.status_code == 302
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.opportunity_id and lead.customer_id


def test_out_of_scope_is_404(client, sales):
    theirs = services.lead_create(actor=sales.other, data=DATA)
    client.force_login(sales.manager)
    assert client.get(reverse("leads:detail", args=[theirs.pk])).status_code == 404
    api_error(api_client(sales.manager).get(f"/api/v1/leads/{theirs.pk}/"), 404)


# --- the public web form ------------------------------------------------------------------------------------------
def test_the_web_form_captures_into_the_pool_and_may_be_embedded(client, db):
    cache.clear()
    url = reverse("leads:web_form")
    page = client.get(url)
    assert page.status_code == 200 and "frame-ancestors *" in page["Content-Security-Policy"]
    assert "X-Frame-Options" not in page
    response = client.post(url, {**DATA, "email": "", "shown": _shown()})
    assert response.status_code == 200 and 'data-testid="web-form-thanks"' in response.content.decode()
    lead = Lead.objects.get()
    assert lead.channel == LeadChannel.WEB_FORM and lead.owner is None and lead.created_by is None


def test_the_web_form_keeps_bots_out(client, db):
    cache.clear()
    url = reverse("leads:web_form")
    client.post(url, {**DATA, "shown": _shown(), "website": "http://spam.example"})  # the trap filled
    client.post(url, {**DATA, "shown": _shown(seconds_ago=0)})  # faster than a person
    client.post(url, {**DATA, "shown": "forged"})
    assert not Lead.objects.exists()
    bad = client.post(url, {"company": "x", "name": "y", "shown": _shown()})
    assert bad.status_code == 400 and not Lead.objects.exists()  # no way to reach them
    for index in range(4):
        client.post(url, {**DATA, "company": f"公司{index}", "shown": _shown()})
    assert client.post(url, {**DATA, "company": "第六", "shown": _shown()}).status_code == 429
    assert Lead.objects.count() == 4


def test_the_web_form_can_be_switched_off(client, db):
    settings = LeadSettings.current()
    settings.web_form_enabled = False
    settings.save()
    assert client.get(reverse("leads:web_form")).status_code == 404


# --- API -------------------------------------------------------------------------------------------------------------
def test_api_capture_claim_follow_up_convert(sales):
    supervisor, manager = api_client(sales.supervisor), api_client(sales.manager)
    created = supervisor.post("/api/v1/leads/", {**DATA, "to_pool": True}, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["in_pool"] and body["channel"] == "api"
    again = supervisor.post("/api/v1/leads/", DATA, format="json")
    assert api_error(again, 409, "duplicate_warning")["details"]["duplicates"]
    url = f"/api/v1/leads/{body['id']}/"
    assert manager.post(f"{url}claim/").json()["owner"] == sales.manager.pk
    api_error(api_client(sales.colleague).post(f"{url}claim/"), 404)  # not in the pool any more: out of sight
    followed = manager.post(f"{url}follow-ups/", {"content": "电话沟通"}, format="json")
    assert followed.status_code == 201 and manager.get(url).json()["status"] == "working"
    body = {"region": picklist("region").pk, "opportunity_summary": "CRM"}
    converted = manager.post(f"{url}convert/", body, format="json")
    assert converted.status_code == 200 and converted.json()["status"] == "converted"
    assert converted.json()["opportunity"]


def test_bulk_assignment_from_the_list(client, sales, org, admin_user):
    pooled = [
        services.lead_create(
            actor=sales.supervisor, data={**DATA, "company": f"公司{i}"}, to_pool=True, confirm_duplicates=True
        )
        for i in range(3)
    ]
    client.force_login(sales.supervisor)
    url = reverse("leads:bulk_assign")
    client.post(url, {"leads": [pooled[0].pk], "mode": "owner", "owner": sales.manager.pk})
    client.post(url, {"leads": [p.pk for p in pooled[1:]], "mode": "team", "department": org.sales1.pk})
    owners = [Lead.objects.get(pk=p.pk).owner for p in pooled]
    assert owners[0] == sales.manager and {o.pk for o in owners[1:]} == {sales.manager.pk, sales.colleague.pk}
    client.force_login(admin_user)
    zhejiang = Region.objects.get(level="province", name="浙江省")
    client.post(reverse("leads:settings"), {"province": zhejiang.pk, "owner": sales.colleague.pk})
    assert "浙江省 → 周杰" in client.get(reverse("leads:settings")).content.decode()


def test_the_settings_page_saves_the_pool_rules_and_audits_them(client, sales, admin_user):
    from crm.audit.models import AuditEvent

    client.force_login(sales.supervisor)
    assert client.get(reverse("leads:settings")).status_code == 403
    client.force_login(admin_user)
    data = {
        "claims_per_day": 5, "reclaim_wait_days": 3, "return_after_days": 30, "escalate_after_days": 2,
        "web_form_owner": sales.manager.pk,
    }
    assert client.post(reverse("leads:settings"), data).status_code == 302
    current = LeadSettings.current()
    assert (current.claims_per_day, current.web_form_enabled, current.web_form_owner) == (5, False, sales.manager)
    entry = AuditEvent.objects.filter(content_type__model="leadsettings").latest("id")
    assert entry.changes["claims_per_day"] == [20, 5]
    bad = client.post(reverse("leads:settings"), {**data, "claims_per_day": -1})
    assert bad.status_code == 400 and LeadSettings.current().claims_per_day == 5
