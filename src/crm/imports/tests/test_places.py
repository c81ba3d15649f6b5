"""地区 columns as most Chinese spreadsheets fill them: with provinces and cities (浙江, 浙江省,
宁波市, 杭州) rather than the dictionary's sales regions. The province and city are filled and
the sales region follows the province (crm/dictionary/data/sales_regions.json)."""

import json

import pytest
from django.utils import translation

from crm.customers.models import Customer
from crm.dictionary import categories
from crm.dictionary.models import DictionaryItem, Region, RegionLevel
from crm.dictionary.seeding import SEED_ITEMS
from crm.dictionary.selectors import SALES_REGIONS_FILE
from crm.imports.models import ImportStatus
from crm.imports.services import lifecycle as service
from crm.imports.tests.conftest import Upload, csv_bytes, run_import, xlsx_bytes

HEADER = ["客户名称", "地区", "客户等级", "客户经理"]


def stored(name: str) -> tuple[str, str, str]:
    customer = Customer.objects.select_related("region", "province", "city").get(name=name)
    return (
        customer.region.entry,
        customer.province.name if customer.province else "",
        customer.city.name if customer.city else "",
    )


def test_a_csv_whose_region_column_holds_provinces_and_cities(sales):
    rows = [
        ["浙江甲有限公司", "浙江", "大客户", "刘洋"],
        ["浙江乙有限公司", "浙江省", "大客户", "刘洋"],
        ["宁波丙有限公司", "宁波市", "大客户", "刘洋"],
        ["杭州丁有限公司", "杭州", "大客户", "刘洋"],
        ["杭州戊有限公司", "浙江省杭州市", "大客户", "刘洋"],
        ["成都己有限公司", "四川 成都", "大客户", "刘洋"],
        ["深圳庚有限公司", "华南", "大客户", "刘洋"],  # a sales region of the dictionary, as before
        ["火星辛有限公司", "火星", "大客户", "刘洋"],
    ]
    with translation.override("zh-hans"):
        job = run_import(sales.supervisor, csv_bytes([HEADER, *rows]), "客户.csv")
    assert (job.status, job.created_count, job.rejected_count) == (ImportStatus.SUCCEEDED, 7, 1)
    assert stored("浙江甲有限公司") == ("华东", "浙江省", "")
    assert stored("浙江乙有限公司") == ("华东", "浙江省", "")
    assert stored("宁波丙有限公司") == ("华东", "浙江省", "宁波市")
    assert stored("杭州丁有限公司") == ("华东", "浙江省", "杭州市")
    assert stored("杭州戊有限公司") == ("华东", "浙江省", "杭州市")
    assert stored("成都己有限公司") == ("西南", "四川省", "成都市")
    assert stored("深圳庚有限公司") == ("华南", "", "")
    reason = job.issues.get().message
    assert reason.startswith("地区：") and "“火星”" in reason and "省份或城市" in reason and "华东" in reason


def test_the_reason_for_a_region_not_understood_follows_the_users_language(sales):
    rows = [HEADER, ["火星辛有限公司", "火星", "大客户", "刘洋"]]
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows), "customers.csv")
    message = job.issues.get().message
    assert "“火星” is neither" in message and "nor a province or city of China" in message


def test_the_preview_of_an_xlsx_shows_the_province_city_and_sales_region_read_from_the_region_column(sales):
    rows = [
        ["客户名称", "所在地区", "客户等级", "客户经理", "省份"],
        ["宁波海天有限公司", "宁波市", "大客户", "刘洋", ""],
        ["合肥科大有限公司", "安徽", "大客户", "刘洋", ""],
        ["广州白云有限公司", "广州", "大客户", "刘洋", "广东"],
        ["南京矛盾有限公司", "宁波", "大客户", "刘洋", "江苏"],  # 宁波 is not in 江苏
        ["苏州矛盾有限公司", "浙江", "大客户", "刘洋", "江苏"],
    ]
    job = service.import_create(
        actor=sales.supervisor, record_type="customers", upload=Upload(xlsx_bytes(rows), "客户.xlsx")
    )
    assert job.mapping == {"0": "name", "1": "region", "2": "level", "3": "manager", "4": "province"}
    job = service.import_map(actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults)
    with translation.override("zh-hans"):
        preview = service.import_preview(actor=sales.supervisor, job=job)
    shown = [str(spec.label) for spec in preview["fields"]]
    assert {"地区", "省份", "城市"} <= set(shown)  # 城市 has no column: shown because rows have one
    values = {row["values"]["name"]: row for row in preview["rows"]}
    assert [values["宁波海天有限公司"]["values"][key] for key in ("region", "province", "city")] == [
        "华东",
        "浙江省",
        "宁波市",
    ]
    assert values["合肥科大有限公司"]["values"]["region"] == "华东"
    assert values["合肥科大有限公司"]["values"]["province"] == "安徽省"
    assert values["广州白云有限公司"]["values"]["region"] == "华南"
    assert values["广州白云有限公司"]["values"]["city"] == "广州市"
    assert values["南京矛盾有限公司"]["outcome"] == "rejected"
    assert values["南京矛盾有限公司"]["message"] == "城市：该城市不属于所选省份。"
    assert values["苏州矛盾有限公司"]["message"] == "地区：与本行的省份或城市不一致。"
    job = service.import_start(actor=sales.supervisor, job=job)
    assert (job.created_count, job.rejected_count) == (3, 2)
    assert stored("广州白云有限公司") == ("华南", "广东省", "广州市")


def test_an_xlsx_with_province_and_city_columns_and_no_region_gets_the_sales_region_of_the_province(sales):
    rows = [
        ["客户名称", "省份", "城市", "客户等级", "客户经理"],
        ["深圳腾达有限公司", "广东省", "深圳市", "大客户", "刘洋"],
        ["沈阳重工有限公司", "", "沈阳", "大客户", "刘洋"],
        ["无省份有限公司", "", "", "大客户", "刘洋"],  # nothing to derive from: the region is required
    ]
    with translation.override("zh-hans"):
        job = run_import(sales.supervisor, xlsx_bytes(rows), "客户.xlsx")
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert stored("深圳腾达有限公司") == ("华南", "广东省", "深圳市")
    assert stored("沈阳重工有限公司") == ("东北", "辽宁省", "沈阳市")
    assert job.issues.get().message.startswith("地区：")


def test_a_deactivated_sales_region_is_not_derived(sales):
    DictionaryItem.objects.filter(category=categories.REGION, value="east").update(is_active=False)
    rows = [HEADER, ["浙江甲有限公司", "浙江", "大客户", "刘洋"]]
    job = run_import(sales.supervisor, csv_bytes(rows), "客户.csv", defaults={"region": "华北"})
    assert job.created_count == 1
    assert stored("浙江甲有限公司") == ("华北", "浙江省", "")  # the value for rows without one


@pytest.mark.django_db
def test_every_province_belongs_to_one_seeded_sales_region(seeded):
    mapping = json.loads(SALES_REGIONS_FILE.read_text(encoding="utf-8"))
    seeded_values = {value for seed in SEED_ITEMS if seed.category == categories.REGION for _entry, value in seed.items}
    assert set(mapping) <= seeded_values
    listed = [name for names in mapping.values() for name in names]
    provinces = Region.objects.filter(level=RegionLevel.PROVINCE).values_list("short_name", flat=True)
    assert sorted(listed) == sorted(provinces)
    assert set(mapping["east"]) == {"上海", "江苏", "浙江", "安徽", "福建", "江西", "山东"}
