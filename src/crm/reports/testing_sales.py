"""Generated data for the sales reports' tests (RPT-5…7, the dashboard), on top of the four
reports' data (crm.reports.testing): customers created in known months, follow-ups, opportunities
at every stage (won and lost, with reasons and competitors), plan steps done, services handled,
and orders of two products in two categories.

Some work crosses scopes on purpose: a Shanghai manager follows up a Shenzhen customer, the Shenzhen
manager follows up a Shanghai one, an opportunity of a Shanghai customer belongs to the Shenzhen
manager. The manager, the supervisor and the executive then see different numbers."""

import datetime
import itertools
from decimal import Decimal

from django.utils import timezone

from crm.competitors.models import Competitor
from crm.customers.models import Customer, FollowUp
from crm.customers.services.followup_tally import followup_tally_rebuild
from crm.dictionary.models import DictionaryItem
from crm.opportunities.models import Opportunity, OpportunityStatus, Pipeline, PlanItem
from crm.opportunities.seeding import seed_all as seed_pipeline
from crm.orders.testing import make_order, make_product
from crm.service.models import Service

MONTH = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))  # the month most of the work is in
_serial = itertools.count(1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(hour), tzinfo=timezone.get_current_timezone())


def _item(category: str, entry: str) -> DictionaryItem:
    item, _created = DictionaryItem.objects.get_or_create(category=category, entry=entry, defaults={"value": entry})
    return item


def _opportunity(data, name, *, owner, creator, stage, status, amount, created, closed=None, close=None, **extra):
    opportunity = Opportunity.objects.create(
        number=f"OPT{next(_serial):05d}",
        customer=data.customers.get(name),
        customer_name=name,
        probability=stage.probability,
        summary="工业路由器采购",
        description="客户计划更换车间网络设备。",
        status=status,
        owner=owner,
        created_by=creator,
        pipeline=stage.pipeline,
        stage=stage,
        expected_amount=Decimal(amount) if amount is not None else None,
        expected_close=close,
        closed_at=at(closed) if closed else None,
        **extra,
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(created_at=at(created))
    return opportunity


def make_sales_data(data):
    """Adds the sales work to `data` (make_report_data's namespace) and returns it."""
    sales, customers = data.sales, data.customers
    mgr, colleague, other, sup = sales.manager, sales.colleague, sales.other, sales.supervisor
    d = datetime.date

    # New customers: created in November 2026, earlier, or later.
    created = {
        "上海浦江电子有限公司": d(2026, 11, 3), "上海浦江机械有限公司": d(2026, 11, 30),
        "杭州西湖贸易有限公司": d(2026, 10, 31), "苏州园林科技有限公司": d(2026, 11, 15),
        "无锡太湖纺织有限公司": d(2025, 11, 15), "深圳浦江物流有限公司": d(2026, 11, 1),
        "深圳南山软件有限公司": d(2026, 12, 1),
    }
    for name, day in created.items():
        Customer.objects.filter(pk=customers[name].pk).update(created_at=at(day, 0))

    # Follow-ups: (customer, by, day). Late on the last day and early on the first count.
    method = _item("followup_method", "电话")
    plan = [
        ("上海浦江电子有限公司", mgr, d(2026, 11, 2)), ("上海浦江电子有限公司", mgr, d(2026, 11, 20)),
        ("上海浦江机械有限公司", mgr, d(2026, 11, 30)), ("杭州西湖贸易有限公司", mgr, d(2026, 10, 30)),
        ("深圳南山软件有限公司", mgr, d(2026, 11, 5)),  # outside the manager's and the supervisor's customers
        ("苏州园林科技有限公司", colleague, d(2026, 11, 1)), ("无锡太湖纺织有限公司", colleague, d(2026, 11, 9)),
        ("上海浦江电子有限公司", colleague, d(2026, 11, 9)),
        ("深圳浦江物流有限公司", other, d(2026, 11, 12)), ("上海浦江机械有限公司", other, d(2026, 11, 13)),
        ("苏州园林科技有限公司", sup, d(2026, 11, 25)), ("苏州园林科技有限公司", sup, d(2025, 11, 25)),
    ]
    for index, (name, who, day) in enumerate(plan):
        FollowUp.objects.create(
            customer=customers[name], method=method, content="电话沟通采购计划",
            followed_at=at(day, 23 if index % 2 else 0), created_by=who,
        )
    followup_tally_rebuild()  # the follow-ups written above, counted (ADR 0027)

    # Opportunities on the standard pipeline: every stage, won and lost, reasons and competitors.
    seed_pipeline()
    pipeline = Pipeline.objects.get(is_default=True)
    stages = {stage.name: stage for stage in pipeline.stages.all()}
    first, needs, offer, talks, won, lost = (
        stages[name] for name in ("初步接洽", "需求确认", "方案报价", "商务谈判", "赢单", "输单")
    )
    price, stopped = _item("lost_reason", "价格太高"), _item("lost_reason", "项目取消")
    rival = Competitor.objects.create(name="华为技术有限公司")
    rival2 = Competitor.objects.create(name="新华三技术有限公司")
    dev, done, gone = OpportunityStatus.DEVELOPING, OpportunityStatus.WON, OpportunityStatus.LOST
    nov, dec = d(2026, 11, 10), d(2026, 12, 20)
    o = _opportunity
    o(data, "上海浦江电子有限公司", owner=mgr, creator=sup, stage=first, status=dev, amount="10000", created=nov,
      close=dec)
    o(data, "上海浦江电子有限公司", owner=mgr, creator=mgr, stage=offer, status=dev, amount="50000", created=nov,
      close=d(2027, 1, 15))
    o(data, "上海浦江机械有限公司", owner=mgr, creator=mgr, stage=talks, status=dev, amount="80000",
      created=d(2026, 9, 1), close=dec)
    w1 = o(data, "上海浦江机械有限公司", owner=mgr, creator=mgr, stage=won, status=done, amount="120000.50",
           created=nov, closed=d(2026, 11, 28))
    w1.competitors.add(rival)
    o(data, "苏州园林科技有限公司", owner=colleague, creator=sup, stage=won, status=done, amount="30000",
      created=d(2026, 3, 3), closed=d(2026, 11, 30))
    l1 = o(data, "苏州园林科技有限公司", owner=colleague, creator=colleague, stage=lost, status=gone, amount="9000",
           created=nov, closed=d(2026, 11, 20), lost_reason=price, lost_to=rival)
    l1.competitors.add(rival, rival2)
    o(data, "无锡太湖纺织有限公司", owner=colleague, creator=colleague, stage=needs, status=dev, amount=None,
      created=d(2026, 11, 30), close=d(2027, 2, 1))
    o(data, "深圳南山软件有限公司", owner=other, creator=other, stage=won, status=done, amount="70000",
      created=nov, closed=d(2026, 11, 11))
    o(data, "深圳浦江物流有限公司", owner=other, creator=other, stage=lost, status=gone, amount="5000", created=nov,
      closed=d(2026, 11, 12), lost_reason=stopped, lost_to=rival2)
    # A Shanghai customer's opportunity developed by the Shenzhen manager: its customer's scope shows it.
    o(data, "上海浦江电子有限公司", owner=other, creator=other, stage=needs, status=dev, amount="15000", created=nov,
      close=dec)
    o(data, "", owner=None, creator=sup, stage=first, status=OpportunityStatus.UNASSIGNED, amount=None, created=nov)

    # Plan steps with a result recorded (done) in and out of November, one without a result.
    for opportunity, results in (
        (Opportunity.objects.filter(owner=mgr, stage=offer).first(), [d(2026, 11, 4), d(2026, 11, 18), None]),
        (Opportunity.objects.filter(owner=colleague, stage=needs).first(), [d(2026, 11, 30), d(2026, 12, 2)]),
        (Opportunity.objects.filter(owner=other, stage=needs).first(), [d(2026, 11, 7)]),
    ):
        for day in results:
            PlanItem.objects.create(
                opportunity=opportunity, date=day or d(2026, 12, 10), content="上门演示",
                result="客户认可" if day else "", result_at=at(day) if day else None,
            )

    # Services handled: by the agent, the managers, in and out of November.
    handled = [(sales.manager, d(2026, 11, 5)), (data.agent, d(2026, 11, 6)), (colleague, d(2026, 11, 29)),
               (other, d(2026, 11, 16)), (sales.manager, d(2026, 10, 1))]
    for service, (who, day) in zip(Service.objects.order_by("id"), handled, strict=False):
        Service.objects.filter(pk=service.pk).update(handled_by=who, handled_at=at(day))

    # Orders of two more products in two categories, on three days of two months (and a status 3).
    router = make_product("工业路由器", "R-300", category="网络设备", external_id="P-R300")
    switch = make_product("工业交换机", "S-100", category="交换设备", external_id="P-S100")
    for name, day, lines, status in (
        ("上海浦江电子有限公司", d(2026, 10, 5), [(router, "2", "1500.00"), (switch, "1", "800.00")], 5),
        ("上海浦江电子有限公司", d(2026, 10, 5), [(router, "1", "1500.00")], 6),
        ("苏州园林科技有限公司", d(2026, 10, 20), [(switch, "3", "800.00")], 5),
        ("深圳南山软件有限公司", d(2026, 11, 2), [(router, "5", "1400.00")], 6),
        ("杭州西湖贸易有限公司", d(2026, 11, 2), [(router, "4", "1450.00")], 3),
        ("上海浦江机械有限公司", d(2026, 11, 3), [(switch, "2", "850.00"), (router, "1", "1500.00")], 5),
    ):
        make_order(customers[name], ordered_on=day, status=status, lines=lines)
    data.pipeline = pipeline
    data.router, data.switch = router, switch
    data.rivals = (rival, rival2)
    return data
