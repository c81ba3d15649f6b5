"""Initial picklist values and the province/city table, loaded by data migrations.

The functions take the model class, so migrations pass their historical models
(`apps.get_model("dictionary", "DictionaryItem")`) and tests the real ones. Both are idempotent:
values already present (by category and value) are left alone, so an administrator's renamed
entry survives a re-run, and a later migration can call `seed_items` again with more values.
Apps with categories of their own seed them the same way from their own migrations.
"""

import json
from dataclasses import dataclass
from pathlib import Path

REGIONS_FILE = Path(__file__).resolve().parent / "data" / "regions.json"


@dataclass(frozen=True)
class CategorySeed:
    category: str
    items: tuple[tuple[str, str], ...]  # (entry, value)
    editable: bool = True


SEED_ITEMS: tuple[CategorySeed, ...] = (
    CategorySeed(
        "customer_level",
        (("普通客户", "1"), ("大客户", "2"), ("重点开发客户", "3"), ("合作伙伴", "4"), ("战略合作伙伴", "5")),
    ),
    # The service process (咨询 / 建议 / 投诉) depends on these: locked.
    CategorySeed("service_type", (("咨询", "1"), ("建议", "2"), ("投诉", "3")), editable=False),
    CategorySeed(
        "region",
        (
            ("华北", "north"),
            ("东北", "northeast"),
            ("华东", "east"),
            ("华中", "central"),
            ("华南", "south"),
            ("西南", "southwest"),
            ("西北", "northwest"),
            ("港澳台", "hmt"),
        ),
    ),
    CategorySeed(
        "customer_source",
        (
            ("电话营销", "telemarketing"),
            ("网络推广", "online"),
            ("客户转介绍", "referral"),
            ("展会", "exhibition"),
            ("主动来电", "inbound"),
            ("合作伙伴推荐", "partner"),
            ("招投标", "tender"),
            ("其他", "other"),
        ),
    ),
    CategorySeed(
        "industry",
        (
            ("制造业", "manufacturing"),
            ("信息技术", "it"),
            ("批发零售", "retail"),
            ("金融保险", "finance"),
            ("房地产", "real_estate"),
            ("建筑工程", "construction"),
            ("教育培训", "education"),
            ("医疗健康", "healthcare"),
            ("物流运输", "logistics"),
            ("能源化工", "energy"),
            ("政府及公共事业", "public"),
            ("其他", "other"),
        ),
    ),
    CategorySeed(
        "lost_reason",
        (
            ("价格过高", "price"),
            ("选择了竞争对手", "competitor"),
            ("预算不足", "budget"),
            ("产品不满足需求", "product_fit"),
            ("需求取消", "no_need"),
            ("决策延期", "delayed"),
            ("失去联系", "no_contact"),
            ("其他", "other"),
        ),
    ),
    CategorySeed(
        "followup_method",
        (("电话", "phone"), ("拜访", "visit"), ("微信", "wechat"), ("邮件", "email"), ("其他", "other")),
    ),
    CategorySeed(
        "opportunity_source",
        (
            ("客户来电", "inbound_call"),
            ("网站咨询", "website"),
            ("市场活动", "campaign"),
            ("客户转介绍", "referral"),
            ("老客户复购", "repeat"),
            ("渠道合作", "channel"),
            ("其他", "other"),
        ),
    ),
    CategorySeed(
        "customer_type",
        (
            ("企业客户", "enterprise"),
            ("个人客户", "individual"),
            ("政府及事业单位", "public"),
            ("经销商", "dealer"),
        ),
    ),
    CategorySeed(
        "expense_type",
        (
            ("差旅费", "travel"),
            ("业务招待费", "entertainment"),
            ("交通费", "transport"),
            ("通讯费", "telecom"),
            ("礼品费", "gift"),
            ("会务费", "meeting"),
            ("办公费", "office"),
            ("其他", "other"),
        ),
    ),
)


def seed_items(model, seeds=SEED_ITEMS) -> int:
    """Create the seeded items that are missing; returns how many were created."""
    existing = set(model.objects.values_list("category", "value"))
    new = []
    for seed in seeds:
        for position, (entry, value) in enumerate(seed.items, start=1):
            if (seed.category, value) in existing:
                continue
            new.append(
                model(
                    category=seed.category,
                    entry=entry,
                    value=value,
                    editable=seed.editable,
                    is_active=True,
                    sort_order=position * 10,
                )
            )
    model.objects.bulk_create(new)
    return len(new)


def load_regions() -> list[dict]:
    with REGIONS_FILE.open(encoding="utf-8") as handle:
        return json.load(handle)


def seed_regions(model) -> int:
    """Create the provinces and cities of data/regions.json that are missing."""
    existing = set(model.objects.values_list("code", flat=True))
    provinces, cities = [], []
    for province in load_regions():
        if province["code"] not in existing:
            provinces.append(
                model(
                    code=province["code"],
                    name=province["name"],
                    short_name=province.get("short", ""),
                    level="province",
                )
            )
        for city in province["cities"]:
            if city["code"] not in existing:
                cities.append(
                    model(
                        code=city["code"],
                        name=city["name"],
                        short_name=city.get("short", ""),
                        level="city",
                        parent_id=province["code"],
                    )
                )
    model.objects.bulk_create(provinces)
    model.objects.bulk_create(cities, batch_size=200)
    return len(provinces) + len(cities)
