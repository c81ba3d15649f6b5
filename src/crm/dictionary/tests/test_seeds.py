"""The seeded picklists and regions (DICT-1, DICT-2)."""

from crm.dictionary import categories
from crm.dictionary.models import DictionaryItem, Region
from crm.dictionary.seeding import SEED_ITEMS, seed_items, seed_regions

SHARED = [
    "customer_level",
    "service_type",
    "region",
    "customer_source",
    "industry",
    "lost_reason",
    "followup_method",
    "opportunity_source",
    "customer_type",
    "expense_type",
]


def test_every_shared_category_is_registered_and_seeded(db):
    for code in SHARED:
        assert categories.is_registered(code)
        assert DictionaryItem.objects.of(code).active().exists(), code
    assert list(DictionaryItem.objects.of("customer_level").order_by("sort_order").values_list("entry", flat=True)) == [
        "普通客户",
        "大客户",
        "重点开发客户",
        "合作伙伴",
        "战略合作伙伴",
    ]
    assert list(DictionaryItem.objects.of("followup_method").values_list("entry", flat=True)) == [
        "电话",
        "拜访",
        "微信",
        "邮件",
        "其他",
    ]
    assert set(DictionaryItem.objects.of("region").values_list("entry", flat=True)) == {
        "华北",
        "东北",
        "华东",
        "华中",
        "华南",
        "西南",
        "西北",
        "港澳台",
    }


def test_service_types_are_locked_and_the_rest_editable(db):
    service_types = DictionaryItem.objects.of("service_type")
    assert {(i.entry, i.value) for i in service_types} == {("咨询", "1"), ("建议", "2"), ("投诉", "3")}
    assert not service_types.filter(editable=True).exists()
    assert not DictionaryItem.objects.exclude(category="service_type").filter(editable=False).exists()


def test_seeding_again_adds_nothing_and_keeps_renamed_entries(db):
    own = DictionaryItem.objects.filter(category__in=[seed.category for seed in SEED_ITEMS])  # apps seed more
    before = own.count()
    item = DictionaryItem.objects.get(category="customer_level", value="2")
    item.entry = "VIP客户"
    item.save()
    assert seed_items(DictionaryItem) == 0
    assert seed_regions(Region) == 0
    assert own.count() == before == sum(len(seed.items) for seed in SEED_ITEMS)
    item.refresh_from_db()
    assert item.entry == "VIP客户"


def test_provinces_and_cities(db):
    provinces = Region.objects.filter(level="province")
    assert provinces.count() == 34
    assert Region.objects.filter(level="city", parent__isnull=True).count() == 0
    shenzhen = Region.objects.get(code="440300")
    assert shenzhen.name == "深圳市" and shenzhen.level == "city"
    assert shenzhen.parent_id == "440000" and shenzhen.parent.name == "广东省"
    assert Region.objects.get(code="110000").short_name == "北京"
    assert Region.objects.filter(code__in=["710000", "810000", "820000"], level="province").count() == 3
