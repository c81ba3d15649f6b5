"""Demo customers (`crm demo`): about 2,000 companies with contacts, follow-ups, interaction
records, tags and contracts, some of them in the public pool and some deliberate duplicates
for the 查重 page. Written in bulk with the same derived data the services write."""

import datetime
import random
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from crm.core.demo import DemoLoader, register_demo
from crm.core.numbering import format_number, reserve_numbers
from crm.customers import normalise
from crm.customers.models import (
    Contact,
    Contract,
    ContractStatus,
    Customer,
    CustomerEvent,
    CustomerKey,
    EventKind,
    FollowUp,
    Interaction,
    Pool,
    Tag,
)
from crm.customers.seeding import seed_all
from crm.customers.services import indexing
from crm.customers.services.customers import NUMBER_KEY, NUMBER_PREFIX
from crm.customers.services.followup_tally import followup_tally_rebuild
from crm.dictionary.models import DictionaryItem, Region
from crm.identity.models import User

COUNT = 2000
POOLED = 120
SEED = 20261201
CITIES = [
    ("北京", "110000", "110100", "north", "010"),
    ("上海", "310000", "310100", "east", "021"),
    ("广州", "440000", "440100", "south", "020"),
    ("深圳", "440000", "440300", "south", "0755"),
    ("杭州", "330000", "330100", "east", "0571"),
    ("南京", "320000", "320100", "east", "025"),
    ("苏州", "320000", "320500", "east", "0512"),
    ("成都", "510000", "510100", "southwest", "028"),
    ("武汉", "420000", "420100", "central", "027"),
    ("西安", "610000", "610100", "northwest", "029"),
    ("天津", "120000", "120100", "north", "022"),
    ("重庆", "500000", "500100", "southwest", "023"),
    ("长沙", "430000", "430100", "central", "0731"),
    ("青岛", "370000", "370200", "north", "0532"),
    ("厦门", "350000", "350200", "south", "0592"),
    ("沈阳", "210000", "210100", "northeast", "024"),
]
BRANDS = [
    "华信", "远景", "恒通", "达信", "鼎盛", "瑞丰", "金桥", "新华", "宏达", "东方", "天成", "博远", "嘉禾", "正泰",
    "永安", "海川", "中科", "云帆", "睿智", "盛世", "联创", "启明", "泰和", "汇通", "长城", "德润", "万象", "星辰",
    "明德", "凯越", "华阳", "通达", "锦程", "百川", "优品", "精工", "宝丰", "安泰", "众诚", "信诚",
]
TRADES = [
    "科技", "网络科技", "信息技术", "贸易", "机械", "电子", "医药", "物流", "建筑工程", "食品", "化工", "教育科技",
    "电气", "包装", "服饰", "家居", "汽车配件", "环保科技", "新材料", "文化传媒",
]
SUFFIXES = ["有限公司", "有限公司", "有限公司", "股份有限公司", "有限责任公司", "集团有限公司"]
SURNAMES = [
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
]
GIVEN = [
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀英", "霞", "平",
    "刚", "桂英", "志强", "建华", "晓东", "丽华", "海燕", "建国", "小红", "文博", "思远",
]
POSITIONS = [
    "总经理", "采购经理", "技术总监", "财务经理", "行政主管", "销售总监", "项目经理", "副总经理", "采购专员",
    "运营经理",
]
FOLLOWUP_TEXTS = [
    ("电话沟通采购计划，客户下季度有扩产需求。", "需准备报价单"),
    ("上门拜访，介绍新产品线并演示。", "客户有兴趣，约定下周再谈"),
    ("微信发送产品资料和案例。", "客户已读，待回复"),
    ("邮件发送报价单，确认交货周期。", "等待客户内部审批"),
    ("回访上一批订单的使用情况。", "客户满意，提出两点改进建议"),
    ("商务洽谈合同条款，讨论付款方式。", "同意 30% 预付款"),
    ("客户来电咨询售后服务政策。", "已解答"),
    ("参加客户年度供应商大会。", "结识新的采购负责人"),
]
DISTRICTS = ["高新区", "经济开发区", "工业园区", "中心区"]
TAGS = [
    ("合作中", "合作状态", "success"),
    ("暂未合作", "合作状态", "secondary"),
    ("重点跟进", "联系周期", "danger"),
    ("每月联系", "联系周期", "info"),
    ("成交≥100万", "成交金额", "warning"),
    ("成交<10万", "成交金额", "light"),
    ("老客户介绍", "属性", "primary"),
    ("价格敏感", "属性", "dark"),
]


def _credit_code(rng: random.Random, region: str) -> str:
    body = "91" + region + "".join(rng.choice(normalise.CREDIT_CODE_CHARS) for _ in range(9))
    return body + normalise.credit_code_check_char(body)


def _mobile(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randint(0, 9)} {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}"


def _person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


@transaction.atomic
def load(log) -> None:
    if Customer.objects.exists():
        log("customers: already loaded")
        return
    seed_all()
    rng = random.Random(SEED)
    items = {(i.category, i.value): i for i in DictionaryItem.objects.all()}
    regions = Region.objects.in_bulk()
    pick = lambda category: [i for (c, _v), i in items.items() if c == category]  # noqa: E731
    levels, sources, industries = pick("customer_level"), pick("customer_source"), pick("industry")
    types, potentials, stages, methods = (
        pick("customer_type"),
        pick("customer_potential"),
        pick("customer_stage"),
        pick("followup_method"),
    )
    managers = list(User.objects.filter(roles__code="manager").order_by("id"))
    supervisors = list(User.objects.filter(roles__code="supervisor").order_by("id"))
    if not managers:
        log("customers: no managers (load the organisation first)")
        return
    owners = managers * 3 + supervisors
    pool = Pool.objects.filter(is_default=True).first()
    tags = [Tag.objects.get_or_create(name=n, defaults={"group": g, "color": c})[0] for n, g, c in TAGS]
    now = timezone.now()
    numbers = reserve_numbers(NUMBER_KEY, COUNT)
    enforced = indexing.blocked_key_kinds()
    customers, used_names, used_keys, created_on = [], set(), set(), {}
    for index, value in enumerate(numbers):
        city, province, city_code, region, area = rng.choice(CITIES)
        if index % 100 == 99 and customers:  # a duplicate typed differently: other suffix, no city
            twin = customers[rng.randrange(len(customers))]
            name = normalise.name_key(twin.name) + rng.choice(["股份有限公司", "（集团）有限公司", "科技有限公司"])
            phone = twin.phone.replace(" ", "-") if twin.phone else ""
        else:
            # Distinct companies have distinct name keys: the 查重 page shows only the deliberate twins.
            name = f"{city}{rng.choice(BRANDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            while name in used_names or normalise.name_key(name) in used_keys:
                name = f"{city}{rng.choice(BRANDS)}{rng.choice(BRANDS)}{rng.choice(TRADES)}{rng.choice(SUFFIXES)}"
            digits = 8 if len(area) == 3 else 7
            phone = f"{area}-{rng.randint(5 * 10 ** (digits - 1), 9 * 10 ** (digits - 1) - 1)}"
        used_names.add(name)
        used_keys.add(normalise.name_key(name))
        pooled = index < POOLED
        manager = None if pooled else rng.choice(owners)
        created = now - datetime.timedelta(days=rng.randint(1, 720), minutes=rng.randint(0, 1440))
        customer = Customer(
            number=format_number(NUMBER_PREFIX, value),
            name=name,
            region=items[("region", region)],
            manager=manager,
            level=rng.choice(levels),
            satisfaction=rng.choice([2, 3, 3, 4, 4, 5]),
            credit=rng.choice([2, 3, 4, 4, 5]),
            phone=phone,
            email=f"info{index}@{rng.choice(['163.com', 'qq.com', 'sina.com', 'company.cn'])}"
            if rng.random() < 0.6
            else "",
            address=f"{city}市{rng.choice(DISTRICTS)}{rng.choice(BRANDS)}路{rng.randint(1, 999)}号",
            postcode=f"{rng.randint(100000, 850000)}",
            province=regions.get(province),
            city=regions.get(city_code),
            customer_type=rng.choice(types),
            source=rng.choice(sources),
            industry=rng.choice(industries),
            potential=rng.choice(potentials),
            stage=rng.choice(stages),
            credit_code=_credit_code(rng, province) if index % 100 != 99 and rng.random() < 0.5 else "",
            legal_representative=_person(rng),
            registered_capital=Decimal(rng.choice([50, 100, 200, 500, 1000, 5000])),
            pool=pool if pooled else None,
            pooled_at=created + datetime.timedelta(days=30) if pooled else None,
            owned_since=created,
        )
        created_on[customer.number] = created
        indexing.derive_name(customer)
        customers.append(customer)
    Customer.objects.bulk_create(customers, batch_size=500)
    for customer in customers:  # bulk_create set auto_now_add: give back the believable dates
        customer.created_at = created_on[customer.number]
    Customer.objects.bulk_update(customers, ["created_at"], batch_size=500)

    contacts = []
    for customer in customers:
        for position in range(rng.choice([1, 1, 2, 2, 3])):
            contacts.append(
                Contact(
                    customer=customer,
                    name=_person(rng),
                    gender=rng.choice(["male", "female"]),
                    position=rng.choice(POSITIONS),
                    office_phone=customer.phone or "021-62345678",
                    mobile=_mobile(rng),
                    email=f"{rng.choice(['zhang', 'li', 'wang', 'chen'])}{rng.randint(1, 999)}@qq.com",
                    birthday=datetime.date(rng.randint(1965, 1995), rng.randint(1, 12), rng.randint(1, 28))
                    if rng.random() < 0.5
                    else None,
                    is_primary=position == 0,
                )
            )
    Contact.objects.bulk_create(contacts, batch_size=1000)
    by_customer: dict[int, list[Contact]] = {}
    for contact in contacts:
        by_customer.setdefault(contact.customer_id, []).append(contact)

    followups, updates = [], []
    today = timezone.localdate()
    for customer in customers:
        if customer.manager_id is None:
            continue
        count = rng.choice([0, 1, 2, 3, 4, 6])
        last = None
        for step in range(count):
            text, result = rng.choice(FOLLOWUP_TEXTS)
            at = now - datetime.timedelta(days=rng.randint(0, 150), hours=rng.randint(0, 10))
            next_on = (
                today + datetime.timedelta(days=rng.randint(-5, 14))
                if step == count - 1 and rng.random() < 0.7
                else None
            )
            followups.append(
                FollowUp(
                    customer=customer,
                    contact=rng.choice(by_customer[customer.pk]),
                    method=rng.choice(methods),
                    content=text,
                    result=result,
                    followed_at=at,
                    next_followup_on=next_on,
                    created_by_id=customer.manager_id,
                )
            )
            last = at if last is None or at > last else last
        if count:
            customer.last_followup_at = last
            customer.next_followup_on = followups[-1].next_followup_on
            updates.append(customer)
    FollowUp.objects.bulk_create(followups, batch_size=1000)
    Customer.objects.bulk_update(updates, ["last_followup_at", "next_followup_on"], batch_size=500)
    followup_tally_rebuild()  # the follow-ups written in bulk above, counted

    keys, events, interactions, contracts = [], [], [], []
    through = Customer.tags.through
    tag_rows = []
    contract_numbers = iter(reserve_numbers("contract", 300))
    for customer in customers:
        people = by_customer.get(customer.pk, [])
        customer.search_tokens = indexing.compute_tokens(customer, people)
        keys += indexing.own_keys(customer, enforced)
        for contact in people:
            keys += indexing.contact_keys(contact)
        events.append(
            CustomerEvent(
                customer=customer, kind=EventKind.CREATED, actor_id=customer.manager_id, created_at=customer.created_at
            )
        )
        for tag in rng.sample(tags, rng.choice([0, 0, 1, 1, 2])):
            tag_rows.append(through(customer_id=customer.pk, tag_id=tag.pk))
        if customer.manager_id and rng.random() < 0.15:
            interactions.append(
                Interaction(
                    customer=customer,
                    occurred_on=today - datetime.timedelta(days=rng.randint(1, 300)),
                    place=rng.choice(["客户公司会议室", "我司展厅", "行业展会", "线上会议"]),
                    summary=rng.choice(["年度合作洽谈", "新品发布会邀请", "技术交流会", "签约仪式"]),
                    detail="双方就明年的合作规模和服务内容进行了深入交流。",
                    created_by_id=customer.manager_id,
                )
            )
        if customer.manager_id and rng.random() < 0.12 and len(contracts) < 300:
            signed = today - datetime.timedelta(days=rng.randint(1, 400))
            status = rng.choice(
                [ContractStatus.ACTIVE, ContractStatus.ACTIVE, ContractStatus.COMPLETED, ContractStatus.DRAFT]
            )
            contracts.append(
                Contract(
                    number=format_number("HT", next(contract_numbers)),
                    customer=customer,
                    title=rng.choice(["年度采购合同", "技术服务合同", "设备供货合同", "框架合作协议"]),
                    amount=Decimal(rng.randint(2, 500) * 10000),
                    signed_on=signed if status != ContractStatus.DRAFT else None,
                    start_on=signed,
                    end_on=signed + datetime.timedelta(days=365),
                    status=status,
                    owner_id=customer.manager_id,
                    created_by_id=customer.manager_id,
                )
            )
            if status != ContractStatus.DRAFT:
                customer.last_deal_on = signed
    Customer.objects.bulk_update(customers, ["search_tokens", "last_deal_on"], batch_size=500)
    CustomerKey.objects.bulk_create(_unique_enforced(keys), batch_size=2000)
    CustomerEvent.objects.bulk_create(events, batch_size=1000)
    through.objects.bulk_create(tag_rows, batch_size=1000, ignore_conflicts=True)
    Interaction.objects.bulk_create(interactions, batch_size=500)
    Contract.objects.bulk_create(contracts, batch_size=500)
    log(
        f"customers: {len(customers)} customers ({POOLED} in the pool), {len(contacts)} contacts, "
        f"{len(followups)} follow-ups, {len(contracts)} contracts"
    )


def _unique_enforced(keys: list[CustomerKey]) -> list[CustomerKey]:
    """The first customer holding an enforced key keeps it enforced; later twins are looked up only."""
    seen = set()
    for key in keys:
        if key.enforced:
            if (key.kind, key.value) in seen:
                key.enforced = False
            seen.add((key.kind, key.value))
    return keys


register_demo(DemoLoader(key="customers", load=load, order=30))
