"""Demo opportunities (`crm demo`): every status of s003/5 §3.1, with development plans and
results, some on existing customers; written through the services, as people would."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from crm.competitors.models import Competitor
from crm.core.demo import DemoLoader, register_demo
from crm.customers.models import Customer
from crm.dictionary.selectors import items
from crm.identity.models import User
from crm.opportunities import services
from crm.opportunities.models import Opportunity, OpportunityTag

SEED = 13
COMPANIES = [
    ("杭州云栖数据科技有限公司", "展会", "陈晓", "13906510001", "数据中心运维平台", 60),
    ("苏州工业园区精密机械厂", "官网咨询", "吴刚", "0512-62581234", "车间设备管理系统", 40),
    ("南京紫金山文旅集团", "老客户介绍", "孙丽", "13851700002", "会员营销系统", 70),
    ("合肥新能源汽车配件有限公司", "电话营销", "郑强", "13705510003", "供应商协同平台", 30),
    ("宁波北仑港物流有限公司", "展会", "王磊", "13957400004", "运输调度系统", 50),
    ("温州瓯江鞋业有限公司", "广告", "林静", "0577-88123456", "经销商管理系统", 20),
    ("无锡梁溪纺织集团", "合作伙伴", "周敏", "13861800005", "订单跟踪系统", 80),
    ("常州龙城医疗器械有限公司", "官网咨询", "许杰", "13915000006", "售后服务系统", 60),
    ("嘉兴南湖食品有限公司", "展会", "沈燕", "13857300007", "渠道管理系统", 45),
    ("绍兴黄酒文化发展有限公司", "老客户介绍", "钱伟", "13957500008", "客户关系管理系统", 90),
    ("扬州瘦西湖酒店管理有限公司", "电话营销", "朱琳", "13952700009", "酒店会员系统", 35),
    ("徐州工程机械租赁有限公司", "合作伙伴", "马军", "13905200010", "设备租赁管理", 55),
]
STEPS = ["电话沟通需求", "上门拜访，了解现状", "产品演示", "提交方案与报价", "商务谈判"]
RESULTS = ["客户有明确需求，约好拜访", "了解到预算约 30 万", "客户对演示满意", "方案已提交，等待反馈", ""]


TAGS = [("重点客户", "danger"), ("招投标", "warning"), ("续约", "info"), ("渠道合作", "secondary")]


def load(log) -> None:
    if Opportunity.objects.exists():
        log("opportunities: already loaded")
        return
    supervisor = User.objects.filter(roles__code="supervisor", department__isnull=False).order_by("id").first()
    managers = []
    if supervisor is not None:  # the supervisor's own people: whom they may assign to
        team = User.objects.filter(roles__code="manager", department__path__startswith=supervisor.department.path)
        managers = list(team.order_by("id")[:4])
    if not managers:
        log("opportunities: no supervisor or managers (load the organisation first)")
        return
    rng = random.Random(SEED)
    tags = OpportunityTag.objects.bulk_create([OpportunityTag(name=name, color=color) for name, color in TAGS])
    rivals = list(Competitor.objects.order_by("id")[:3])
    region, level = items("region").first(), items("customer_level").first()
    today = timezone.localdate()
    for index, (name, source, contact, phone, summary, probability) in enumerate(COMPANIES):
        creator = managers[index % len(managers)] if index % 3 else supervisor
        data = {
            "source": source,
            "customer_name": name,
            "probability": probability,
            "summary": summary,
            "contact_name": contact,
            "contact_phone": phone,
            "description": f"{contact}表示对{summary}有兴趣，希望进一步沟通。",
        }
        opportunity = services.opportunity_create(actor=creator, data=data)
        if index < 3:
            continue  # unassigned, waiting for the supervisor
        owner = managers[index % len(managers)]
        services.opportunity_assign(actor=supervisor, opportunity=opportunity, owner=owner)
        deal = {
            "expected_amount": Decimal(rng.randint(5, 80) * 10000),
            "expected_close": today + datetime.timedelta(days=rng.randint(5, 150)),
            "intent": rng.randint(1, 3),
            "budget": rng.randint(1, 3),
            "urgency": rng.randint(1, 3),
        }
        services.opportunity_update_deal(actor=owner, opportunity=opportunity, data=deal)
        stages = list(opportunity.pipeline.stages.filter(kind="open")) if opportunity.pipeline_id else []
        if stages:
            services.opportunity_move(actor=owner, opportunity=opportunity, stage=stages[index % len(stages)])
        for step in range(rng.randint(2, len(STEPS))):
            item = services.plan_item_add(
                actor=owner,
                opportunity=opportunity,
                date=today + datetime.timedelta(days=7 * step - 21),
                content=STEPS[step],
            )
            if step < 3 and RESULTS[step]:
                services.plan_item_record_result(actor=owner, item=item, result=RESULTS[step])
        if index % 4 == 0:
            services.opportunity_succeed(
                actor=owner, opportunity=opportunity, customer_data={"region": region, "level": level}
            )
        elif index % 4 == 1:
            services.opportunity_fail(
                actor=owner,
                opportunity=opportunity,
                reason="客户选择了其他厂商",
                lost_reason=items("lost_reason").filter(value="competitor").first(),
                lost_to=rivals[index % len(rivals)] if rivals else None,
            )
        else:
            services.opportunity_set_tags(actor=owner, opportunity=opportunity, tags=tags[index % len(tags) :][:2])
            if rivals:
                considered = rivals[index % 2 :][:2]
                services.opportunity_set_competitors(actor=owner, opportunity=opportunity, competitors=considered)
    for customer in Customer.objects.filter(manager__in=managers).order_by("id")[:6]:
        services.opportunity_create(
            actor=customer.manager,
            customer=customer,
            data={
                "source": "老客户",
                "customer_name": customer.name,
                "probability": rng.choice([30, 50, 70]),
                "summary": rng.choice(["增购用户许可", "升级到专业版", "新增分公司部署"]),
                "description": "现有客户的新需求。",
            },
        )
    log(f"opportunities: {Opportunity.objects.count()} loaded")


register_demo(DemoLoader(key="opportunities", load=load, order=42))  # after the competitors
