"""The API's customer rows are written by compiled readers (crm.customers.api.rows.CompiledRowsMixin,
issue 5: DRF's per-value introspection was half of a list request). They must write exactly
what DRF itself writes, field by field, for full rows, sparse rows and rows in the pool."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from crm.customers.api.serializers import customers as s
from crm.customers.models import Customer, CustomField, Pool, Tag
from crm.customers.services.activities import followup_create
from crm.customers.services.customers import customer_update
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_customer, picklist
from crm.dictionary.models import Region


def _request(user):
    request = APIRequestFactory().get("/api/v1/customers/")
    request.user = user
    return request


def _both_ways(serializer_class, instance, user):
    serializer = serializer_class(context={"request": _request(user)})
    compiled = serializer.to_representation(instance)
    standard = serializers.ModelSerializer.to_representation(serializer, instance)
    return compiled, standard


@pytest.fixture
def rows(sales):
    CustomField.objects.create(key="grade", label="评级", field_type="choice", options=["A", "B"])
    full = make_customer(
        manager=sales.manager,
        name="上海华信网络科技有限公司",
        source=picklist("customer_source"),
        industry=picklist("industry"),
        potential=picklist("customer_potential"),
        customer_type=picklist("customer_type"),
        stage=picklist("customer_stage"),
        province=Region.objects.get(code="310000"),
        city=Region.objects.get(code="310100"),
        phone="021-62345678",
        email="info@huaxin.cn",
        website="https://huaxin.cn",
        registered_capital="1200.50",
    )
    full.tags.add(Tag.objects.create(name="重点"), Tag.objects.create(name="老客户"))
    customer_update(actor=sales.manager, customer=full, data={}, custom={"grade": "A"})
    followup_create(
        actor=sales.manager, customer=full, data={"method": picklist("followup_method"), "content": "电话沟通报价"}
    )
    sparse = make_customer(manager=sales.manager, name="远景贸易")
    pooled = make_customer(manager=sales.manager, name="深圳腾飞电子有限公司")
    customer_release(actor=sales.manager, customer=pooled, reason="客户已转向其他供应商")
    customers = Customer.objects.filter(pk__in=[full.pk, sparse.pk, pooled.pk]).for_list().prefetch_related("tags")
    return {customer.name: customer for customer in customers}


def test_customer_rows_are_what_drf_writes(sales, rows):
    assert Pool.objects.filter(customers__name="深圳腾飞电子有限公司").exists()
    for name, customer in rows.items():
        compiled, standard = _both_ways(s.CustomerSerializer, customer, sales.executive)
        assert compiled == standard, name
        assert list(compiled) == list(standard), name  # the same keys in the same order
    full, _ = _both_ways(s.CustomerSerializer, rows["上海华信网络科技有限公司"], sales.executive)
    assert full["city_name"] == "上海市" and full["custom"] == {"grade": "A"} and len(full["tags"]) == 2
    assert full["manager_name"] == str(sales.manager) and full["last_followup_at"].endswith("+08:00")
    pooled, _ = _both_ways(s.PoolCustomerSerializer, rows["深圳腾飞电子有限公司"], sales.executive)
    assert pooled["manager"] is None and pooled["pool_name"] and pooled["previous_manager"] == sales.manager.pk
