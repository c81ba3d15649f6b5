"""Leads (OPP-13) through the services: capture with the duplicate check against leads and
customers, follow-ups, assignment by hand and round-robin, the pool (daily limit, the previous
owner's wait, one winner of concurrent claims), the jobs (idempotent), conversion without a second
customer, disqualification."""

import datetime
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers.models import Contact, Customer
from crm.customers.testing import make_customer, picklist
from crm.dictionary.models import Region
from crm.leads import selectors, services
from crm.leads.models import Lead, LeadChannel, LeadRegionRule, LeadSettings, LeadStatus
from crm.notifications.models import Notification
from crm.opportunities.models import Opportunity, OpportunityStatus

DATA = {"company": "杭州梦想小镇科技有限公司", "name": "沈浪", "mobile": "13705710001", "notes": "想了解 CRM"}


def _lead(actor, **changes):
    return services.lead_create(actor=actor, data={**DATA, **changes})


def _pooled(sales, company):
    data = {**DATA, "company": company}
    return services.lead_create(actor=sales.supervisor, data=data, to_pool=True, confirm_duplicates=True)


def test_capture_numbers_and_owns_it(sales):
    lead = _lead(sales.manager)
    assert lead.number.startswith("XS") and lead.owner == sales.manager and lead.status == LeadStatus.NEW
    assert lead.mobile == "137 0571 0001" and lead.company_key and lead.phone_key == "13705710001"


def test_bad_phone_is_refused(sales):
    with pytest.raises(ValidationFailed) as caught:
        _lead(sales.manager, mobile="123")
    assert "mobile" in caught.value.fields


def test_duplicates_of_leads_and_customers_are_shown_until_confirmed(sales):
    _lead(sales.manager)
    with pytest.raises(Conflict) as caught:
        _lead(sales.colleague, company="杭州梦想小镇科技有限公司 ", mobile="")
    assert caught.value.code == "duplicate_warning" and "XS000001" in caught.value.details["duplicates"][0]
    make_customer(manager=sales.other, name="宁波甬江实业", phone="13705710002")
    with pytest.raises(Conflict) as caught:
        _lead(sales.manager, company="别的公司", mobile="137 0571 0002")
    assert "managed by a colleague" in " ".join(caught.value.details["duplicates"]) or "同事" in " ".join(
        caught.value.details["duplicates"]
    )
    confirmed = services.lead_create(actor=sales.manager, data={**DATA, "mobile": ""}, confirm_duplicates=True)
    assert confirmed.duplicate_hint


def test_follow_up_moves_a_new_lead_on(sales):
    lead = _lead(sales.manager)
    services.lead_follow_up(actor=sales.manager, lead=lead, content="电话沟通，有意向")
    lead.refresh_from_db()
    assert lead.status == LeadStatus.WORKING and lead.last_followup_at
    with pytest.raises(PermissionDenied):
        services.lead_follow_up(actor=sales.colleague, lead=lead, content="x")


def test_assign_by_hand_and_round_robin(sales, org):
    pool = [_pooled(sales, f"公司{i}") for i in range(4)]
    assert services.leads_assign(actor=sales.supervisor, leads=pool[:1], owner=sales.colleague) == 1
    assert Notification.objects.filter(recipient=sales.colleague, kind="leads.assigned").exists()
    counts = services.leads_assign_round_robin(actor=sales.supervisor, leads=pool[1:], department=org.sales1)
    assert sorted(counts.values()) == [1, 2] and set(counts) == {sales.manager.pk, sales.colleague.pk}
    with pytest.raises(PermissionDenied):
        services.leads_assign(actor=sales.manager, leads=pool[:1], owner=sales.manager)


def test_claim_rules(sales):
    settings = LeadSettings.current()
    settings.claims_per_day, settings.reclaim_wait_days = 2, 7
    settings.save()
    leads = [_pooled(sales, f"池{i}") for i in range(3)]
    services.lead_claim(actor=sales.manager, lead=leads[0])
    with pytest.raises(Conflict) as caught:
        services.lead_claim(actor=sales.colleague, lead=leads[0])
    assert caught.value.code == "claimed"
    services.lead_claim(actor=sales.manager, lead=leads[1])
    with pytest.raises(Conflict) as caught:
        services.lead_claim(actor=sales.manager, lead=leads[2])
    assert caught.value.code == "claim_limit"
    services.lead_release(actor=sales.manager, lead=leads[0], reason="联系不上")
    with pytest.raises(Conflict) as caught:
        services.lead_claim(actor=sales.manager, lead=leads[0])
    assert caught.value.code in ("reclaim_too_soon", "claim_limit")
    services.lead_claim(actor=sales.colleague, lead=leads[0])


def test_the_pool_is_seen_by_claimers_and_owned_leads_by_scope(sales):
    pooled = services.lead_create(actor=sales.supervisor, data=DATA, to_pool=True)
    own = _lead(sales.other, company="深圳公司", mobile="")
    seen = set(selectors.lead_list(user=sales.manager, filters={"view": "all"}).values_list("pk", flat=True))
    assert pooled.pk in seen and own.pk not in seen


def test_convert_creates_customer_contact_and_opportunity_once(sales):
    lead = _lead(sales.manager, province=None)
    services.lead_convert(
        actor=sales.manager,
        lead=lead,
        customer_data={"region": picklist("region")},
        opportunity={"summary": "采购 CRM", "probability": 40},
    )
    lead.refresh_from_db()
    assert lead.status == LeadStatus.CONVERTED and lead.customer.name == DATA["company"]
    assert Contact.objects.get(customer=lead.customer).name == "沈浪"
    opportunity = Opportunity.objects.get(pk=lead.opportunity_id)
    assert opportunity.customer == lead.customer and opportunity.status == OpportunityStatus.DEVELOPING
    twin = services.lead_create(actor=sales.manager, data=DATA, confirm_duplicates=True)
    services.lead_convert(actor=sales.manager, lead=twin)
    assert Customer.objects.filter(name=DATA["company"]).count() == 1
    with pytest.raises(IllegalTransition):
        services.lead_convert(actor=sales.manager, lead=twin)


def test_disqualify_needs_a_reason_and_may_be_reopened(sales):
    lead = _lead(sales.manager)
    with pytest.raises(ValidationFailed):
        services.lead_disqualify(actor=sales.manager, lead=lead, reason=" ")
    services.lead_disqualify(actor=sales.manager, lead=lead, reason="不是目标客户")
    services.lead_reopen(actor=sales.manager, lead=lead)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.WORKING


def test_jobs_return_and_escalate_once(sales):
    settings = LeadSettings.current()
    settings.return_after_days, settings.escalate_after_days = 14, 2
    settings.save()
    stale, fresh, untouched = (_lead(sales.manager, company=name, mobile="") for name in ("旧", "新", "未动"))
    old = timezone.now() - datetime.timedelta(days=20)
    Lead.objects.filter(pk=stale.pk).update(owned_since=old)
    Lead.objects.filter(pk=untouched.pk).update(owned_since=timezone.now() - datetime.timedelta(days=3))
    services.lead_follow_up(actor=sales.manager, lead=fresh, content="跟进")
    Lead.objects.filter(pk=fresh.pk).update(owned_since=old)
    assert services.leads_return_run() == 1 and services.leads_return_run() == 0
    stale.refresh_from_db()
    assert stale.owner is None and stale.previous_owner == sales.manager
    assert services.leads_escalate_run() == 1 and services.leads_escalate_run() == 0
    assert Notification.objects.filter(recipient=sales.supervisor, kind="leads.escalated").count() == 1


def test_public_capture_goes_to_the_pool_and_notes_duplicates(sales):
    _lead(sales.manager)
    visitor = {"company": "杭州梦想小镇科技有限公司", "name": "访客", "mobile": "", "email": "a@b.cn"}
    lead = services.lead_capture_public(data=visitor)
    assert lead.owner is None and lead.channel == LeadChannel.WEB_FORM and "XS000001" in lead.duplicate_hint


@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_of_one_lead_end_with_one_owner(sales):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite runs write transactions one at a time")
    lead = services.lead_create(actor=sales.supervisor, data=DATA, to_pool=True)
    barrier, results = threading.Barrier(3), []

    def claim(user):
        try:
            barrier.wait()
            services.lead_claim(actor=user, lead=lead)
            results.append(user.pk)
        except Conflict:
            results.append(None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=claim, args=(u,)) for u in (sales.manager, sales.colleague, sales.supervisor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    winners = [pk for pk in results if pk]
    assert len(winners) == 1 and Lead.objects.get(pk=lead.pk).owner_id == winners[0]


def test_assign_by_region(sales):
    zhejiang = Region.objects.get(level="province", name="浙江省")
    LeadRegionRule.objects.create(province=zhejiang, owner=sales.colleague)  # set by an administrator
    there = _pooled(sales, "浙江某公司")
    Lead.objects.filter(pk=there.pk).update(province=zhejiang)
    elsewhere = _pooled(sales, "别处公司")
    assert services.leads_assign_by_region(actor=sales.supervisor, leads=[there, elsewhere]) == 1
    there.refresh_from_db()
    elsewhere.refresh_from_db()
    assert there.owner == sales.colleague and elsewhere.owner is None
    with pytest.raises(PermissionDenied):
        services.region_rule_set(actor=sales.supervisor, province=zhejiang, owner=None)
