"""The customer list's filters are one set (CustomerFilters.from_params): the list page, the API
and the export accept the same query parameters and find the same customers for each, and refuse
the same values; the API documents exactly that set and the page offers a field for each. (The
export reaches the customers the caller may export: not those waiting in a pool.)"""

import datetime
from urllib.parse import urlencode

import pytest
from django.http import QueryDict
from django.urls import reverse
from rest_framework.test import APIClient

from crm.core.errors import ValidationFailed
from crm.customers.api.serializers.customers import CustomerFilterSerializer
from crm.customers.forms import CustomerFilterForm
from crm.customers.models import Customer, CustomField, Pool, Tag
from crm.customers.selectors.customers import PARAMETERS, CustomerFilters
from crm.customers.services.activities import followup_create
from crm.customers.services.customers import customer_set_status, customer_update
from crm.customers.services.ownership import customer_share
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_customer, picklist
from crm.dictionary.models import DictionaryItem, Region
from crm.imports.types.customers import export_query

TODAY = datetime.date.today()
_PICKLISTS = {
    "region": "region",
    "level": "customer_level",
    "source": "customer_source",
    "industry": "industry",
    "customer_type": "customer_type",
    "potential": "customer_potential",
    "stage": "customer_stage",
}


def _second(category: str) -> DictionaryItem:
    return DictionaryItem.objects.filter(category=category).order_by("sort_order", "id")[1]


@pytest.fixture
def world(sales):
    """Customers the supervisor sees, each with something the others lack."""
    CustomField.objects.create(key="grade", label="评级", field_type="choice", options=["A", "B"])
    vip, old = Tag.objects.create(name="重点"), Tag.objects.create(name="老客户")
    huaxin = make_customer(
        manager=sales.manager,
        name="北京华信科技有限公司",
        region=_second("region"),
        level=_second("customer_level"),
        source=_second("customer_source"),
        industry=_second("industry"),
        customer_type=_second("customer_type"),
        potential=_second("customer_potential"),
        stage=_second("customer_stage"),
        province=Region.objects.get(code="330000"),
        city=Region.objects.get(code="330100"),
    )
    huaxin.tags.add(vip)
    customer_update(actor=sales.manager, customer=huaxin, data={}, custom={"grade": "A"})
    yuanjing = make_customer(manager=sales.colleague, name="上海远景贸易有限公司")
    yuanjing.tags.add(old)
    customer_set_status(actor=sales.supervisor, customer=yuanjing, status="churn_warning")
    followup_create(
        actor=sales.colleague,
        customer=yuanjing,
        data={
            "method": picklist("followup_method"),
            "content": "电话沟通",
            "next_followup_on": TODAY + datetime.timedelta(days=3),
        },
    )
    tengfei = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")  # outside the scope, but shared
    customer_share(actor=sales.other, customer=tengfei, users=[sales.supervisor])
    jianghuai = make_customer(manager=sales.manager, name="安徽江淮汽车有限公司")
    Customer.objects.filter(pk=jianghuai.pk).update(created_at=jianghuai.created_at - datetime.timedelta(days=30))
    make_customer(manager=sales.supervisor, name="杭州西湖茶业有限公司")
    gangcheng = make_customer(manager=sales.manager, name="宁波港城物流有限公司")
    customer_release(actor=sales.manager, customer=gangcheng, reason="无需求")
    return {"vip": vip, "old": old, "pool": Pool.objects.get(is_default=True)}


def _cases(sales, world) -> list[dict]:
    yesterday, tomorrow, soon = (str(TODAY + datetime.timedelta(days=days)) for days in (-1, 1, 5))
    return [
        {"search": "华信"},
        {"q": "bjhx"},
        *({name: _second(category).pk} for name, category in _PICKLISTS.items()),
        {"province": "330000"},
        {"city": "330100"},
        {"pool": world["pool"].pk, "manager": "none"},
        {"manager": sales.manager.pk},
        {"manager": "me"},
        {"status": "churn_warning"},
        {"tag": [world["vip"].pk, world["old"].pk]},
        {"last_followup_from": TODAY.isoformat(), "last_followup_to": TODAY.isoformat()},
        {"next_followup_from": tomorrow, "next_followup_to": soon},
        {"created_from": yesterday},
        {"created_to": yesterday},
        {"shared": "true"},
        {"custom.grade": "A"},
        {"ordering": "id"},
    ]


def _page(client, params) -> list[str]:
    response = client.get(reverse("customers:list"), params)
    assert response.status_code == 200
    assert not response.context["form"].non_field_errors(), response.context["form"].non_field_errors()
    return [customer.name for customer in response.context["customers"]]


def _api(api, params) -> list[str]:
    response = api.get("/api/v1/customers/", params)
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()["results"]]


def _export(user, params) -> list[str]:
    queryset, _columns = export_query(user, QueryDict(urlencode(params, doseq=True)))
    return [customer.name for customer in queryset]


def test_the_page_the_api_and_the_export_find_the_same_customers_for_every_filter(client, sales, world):
    client.force_login(sales.supervisor)
    api = APIClient()
    api.force_login(sales.supervisor)
    everyone = _api(api, {})
    assert len(everyone) == 5  # the pool's customer shows with manager=none only
    cases = _cases(sales, world)
    assert {name for case in cases for name in case} == {*PARAMETERS, "custom.grade"}  # every parameter is tried
    assert _page(client, {"cf_grade": "A"}) == _api(api, {"custom.grade": "A"})  # cf_: saved views' name before
    exportable = set(_export(sales.supervisor, {"manager": "none"}) + _export(sales.supervisor, {}))
    for params in cases:
        found = _api(api, params)
        assert _page(client, params) == found, params
        assert _export(sales.supervisor, params) == [name for name in found if name in exportable], params
        if "ordering" in params:
            assert found == everyone[::-1]
        else:
            assert 0 < len(found) < len(everyone), (params, found)


def test_the_page_and_the_api_refuse_the_same_values(client, sales, world):
    client.force_login(sales.supervisor)
    api = APIClient()
    api.force_login(sales.supervisor)
    for params, field in [
        ({"level": "abc"}, "level"),
        ({"province": "33"}, "province"),
        ({"manager": "boss"}, "manager"),
        ({"tag": ["1", "x"]}, "tag"),
        ({"shared": "maybe"}, "shared"),
        ({"created_from": TODAY.isoformat(), "created_to": "2020-01-01"}, "created_to"),
        ({"custom.nothing": "1"}, "custom.nothing"),
        ({"custom.grade": "C"}, "custom.grade"),
    ]:
        response = api.get("/api/v1/customers/", params)
        assert response.status_code == 400 and field in response.json()["error"]["fields"], params
        form = client.get(reverse("customers:list"), params).context["form"]
        assert form.non_field_errors(), params  # shown; the list is then unfiltered
        with pytest.raises(ValidationFailed) as refused:
            CustomerFilters.from_params(QueryDict(urlencode(params, doseq=True)))
        assert list(refused.value.fields) == [field]


def test_the_api_documents_the_filters_and_the_page_offers_them(db):
    documented = set(CustomerFilterSerializer().fields)
    assert documented == set(PARAMETERS) - {"q"}  # q: the page's name for search
    assert set(PARAMETERS) - {"search"} <= set(CustomerFilterForm().fields)
