"""Benchmark data of the sales modules, after the customers (bench.generator): opportunities (0.3
per customer: 300,000 at scale 1) with two plan items each, and leads (0.5 per customer: 500,000).
Statuses, stages, amounts and owners are spread as in a working company; rows are written with
bulk inserts, their numbers reserved in one call per kind."""

import datetime
import random
from decimal import Decimal

OPPORTUNITIES_PER_CUSTOMER = 0.3
LEADS_PER_CUSTOMER = 0.5
PLAN_ITEMS_PER_OPPORTUNITY = 2
BATCH = 5000
LEAD_SPREAD = ("new", "working", "working", "converted", "disqualified")


def wipe_sales(log) -> None:
    from django.db import connection

    from crm.leads.models import Lead, LeadActivity, LeadClaim
    from crm.opportunities.models import OpenTotal, Opportunity, PlanItem

    # OpenTotal too: TRUNCATE does not fire the trigger that keeps it (ADR 0021)
    models = [PlanItem, Opportunity.competitors.through, Opportunity, OpenTotal, LeadActivity, LeadClaim, Lead]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(m._meta.db_table for m in models)} RESTART IDENTITY CASCADE")
        else:
            for model in models:
                cursor.execute(f"DELETE FROM {model._meta.db_table}")
    log("removed earlier opportunities and leads")


def generate_sales(*, customers: int, seed: int, today: datetime.date, log) -> dict[str, int]:
    from django.utils import timezone

    from crm.core.numbering import next_numbers
    from crm.customers import normalise
    from crm.customers.models import Customer
    from crm.leads.models import Lead, LeadStatus
    from crm.opportunities.models import Opportunity, OpportunityStatus, Pipeline, PlanItem, StageKind
    from crm.opportunities.seeding import seed_all

    seed_all()
    rng = random.Random(seed)
    pipeline = Pipeline.objects.get(is_default=True)
    stages = list(pipeline.stages.all())
    open_stages = [s for s in stages if s.kind == StageKind.OPEN]
    won = next(s for s in stages if s.kind == StageKind.WON)
    lost = next(s for s in stages if s.kind == StageKind.LOST)
    count = round(customers * OPPORTUNITIES_PER_CUSTOMER)
    rows = list(Customer.objects.filter(manager__isnull=False).values_list("pk", "name", "manager_id")[:count])
    now = timezone.now()
    numbers = next_numbers("opportunity", "JH", len(rows))
    opportunities = []
    for (customer_id, name, manager_id), number in zip(rows, numbers, strict=True):
        roll = rng.random()
        status = (
            OpportunityStatus.UNASSIGNED if roll < 0.1
            else OpportunityStatus.DEVELOPING if roll < 0.7
            else OpportunityStatus.WON if roll < 0.9
            else OpportunityStatus.LOST
        )
        stage = {OpportunityStatus.WON: won, OpportunityStatus.LOST: lost}.get(status) or rng.choice(open_stages)
        created = now - datetime.timedelta(days=rng.randint(1, 720))
        assigned = status != OpportunityStatus.UNASSIGNED
        amount = Decimal(rng.randint(1, 500) * 1000)
        intent, budget, urgency = rng.randint(1, 3), rng.randint(1, 3), rng.randint(1, 3)
        opportunities.append(
            Opportunity(
                number=number,
                source="展会",
                customer_name=name,
                probability=stage.probability,
                summary=f"{name[:20]} 采购项目",
                description="基准测试数据",
                status=status,
                customer_id=customer_id if assigned else None,
                owner_id=manager_id if assigned else None,
                assigned_at=created if assigned else None,
                created_by_id=manager_id,
                pipeline=pipeline,
                stage=stage,
                stage_changed_at=created,
                last_activity_at=created,
                expected_amount=amount,
                expected_close=today + datetime.timedelta(days=rng.randint(-30, 180)),
                intent=intent,
                budget=budget,
                urgency=urgency,
                priority=round(50 * intent / 3 + 30 * budget / 3 + 20 * urgency / 3),
                # closed over the last year, as in a working company (not all this month)
                closed_at=(
                    now - datetime.timedelta(days=rng.randint(0, 365))
                    if status in (OpportunityStatus.WON, OpportunityStatus.LOST)
                    else None
                ),
            )
        )
    Opportunity.objects.bulk_create(opportunities, batch_size=BATCH)
    log(f"  {len(opportunities):,} opportunities")
    assigned = Opportunity.objects.exclude(status=OpportunityStatus.UNASSIGNED).only("pk")
    items = [
        PlanItem(
            opportunity_id=opportunity.pk,
            date=today + datetime.timedelta(days=7 * step - 14),
            content=("电话沟通需求", "上门演示")[step],
            result="客户有意向" if step == 0 else "",
        )
        for opportunity in assigned.iterator(chunk_size=BATCH)
        for step in range(PLAN_ITEMS_PER_OPPORTUNITY)
    ]
    PlanItem.objects.bulk_create(items, batch_size=BATCH)
    log(f"  {len(items):,} plan items")

    count = round(customers * LEADS_PER_CUSTOMER)
    managers = sorted({manager_id for _pk, _name, manager_id in rows}) or [None]
    numbers = next_numbers("lead", "XS", count)
    leads = []
    for index, number in enumerate(numbers):
        company = f"{rng.choice(rows)[1][:40]}{('分公司', '办事处', '工厂', '门店')[index % 4]}{index}"
        mobile = f"1{rng.choice('3578')}{index:09d}"[:11]
        pooled = rng.random() < 0.2
        status = rng.choice(LEAD_SPREAD)
        owner = None if pooled else managers[index % len(managers)]
        created = now - datetime.timedelta(days=rng.randint(1, 365))
        leads.append(
            Lead(
                number=number,
                name="联系人",
                company=company,
                mobile=f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}",
                status=status if not pooled else LeadStatus.NEW,
                company_key=normalise.name_key(company)[:120],
                phone_key=mobile,
                owner_id=owner,
                owned_since=created if owner else None,
                pooled_at=created if not owner else None,
                created_by_id=owner or managers[0],
                channel="import",
            )
        )
    Lead.objects.bulk_create(leads, batch_size=BATCH)
    log(f"  {len(leads):,} leads")
    return {"opportunities": len(opportunities), "plan_items": len(items), "leads": len(leads)}
