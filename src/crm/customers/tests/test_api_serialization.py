"""The API's customer rows are written by compiled readers (crm.customers.api.rows.CompiledRowsMixin,
issue 5: DRF's per-value introspection was half of a list request). They must write exactly
what DRF itself writes, field by field, for full rows, sparse rows and rows in the pool."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from crm.access.services import role_create
from crm.customers.api.rows import customer_rows
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


def test_list_rows_are_what_drf_writes(sales, rows, django_assert_num_queries):
    """The list API reads a page's ids, then their rows with each one's tags and manager's name in one
    statement (rows.customer_rows): the same rows as DRF writes from the relations, in two queries
    whatever the page's size, in the list's order; the search tokens are not read."""
    with django_assert_num_queries(2):
        listed = list(customer_rows(Customer.objects.filter(pk__in=[c.pk for c in rows.values()]).for_list()))
    assert [c.pk for c in listed] == sorted((c.pk for c in rows.values()), reverse=True)
    assert "search_tokens" in listed[0].get_deferred_fields()
    assert not listed[0]._state.adding and listed[0]._state.db == "default"
    assert listed[0] == Customer.objects.get(pk=listed[0].pk)
    request = _request(sales.executive)
    s.CustomerSerializer(context={"request": request}).to_representation(listed[0])  # the caller's permissions
    with django_assert_num_queries(0):
        written = {c.name: s.CustomerSerializer(context={"request": request}).to_representation(c) for c in listed}
    for name, row in written.items():
        serializer = s.CustomerSerializer(context={"request": _request(sales.executive)})
        standard = serializers.ModelSerializer.to_representation(serializer, rows[name])
        assert row == standard and list(row) == list(standard), name
    assert sorted(written["上海华信网络科技有限公司"]["tag_names"]) == ["老客户", "重点"]
    assert written["远景贸易"]["manager_name"] == str(sales.manager)
    assert written["深圳腾飞电子有限公司"]["manager_name"] is None
    type(sales.manager).objects.filter(pk=sales.manager.pk).update(name="")  # a user without a name: the username
    (unnamed,) = customer_rows(Customer.objects.filter(name="远景贸易"))
    assert unnamed.manager_name == sales.manager.username


def test_readers_are_shared_by_callers_with_the_same_hidden_fields_only(sales, rows, admin_user, make_user, org):
    """The readers are built once per process for each set of hidden fields (ADR 0028), without any
    caller's request in them; a serializer with a method field keeps readers of its own."""
    clerk_role = role_create(
        actor=admin_user,
        code="clerk",
        name="内勤",
        default_scope="all",
        functions={"customers.customer.view"},
        field_rules={("customers.customer", "email"): "hidden"},
    )
    clerk = make_user("clerk", department=org.sales1)
    clerk.roles.add(clerk_role)
    customer = rows["上海华信网络科技有限公司"]
    readers = {}
    for user in (sales.executive, sales.manager, clerk, sales.executive):
        compiled, standard = _both_ways(s.CustomerSerializer, customer, user)
        assert compiled == standard and list(compiled) == list(standard), user.username
        serializer = s.CustomerSerializer(context={"request": _request(user)})
        serializer.to_representation(customer)
        readers.setdefault(user.username, serializer._compiled_readers)
        assert serializer._compiled_readers is readers[user.username]
    assert readers["exec"] is readers["mgr"] and readers["clerk"] is not readers["exec"]
    assert "email" not in dict(readers["clerk"]) and "email" in dict(readers["exec"])
    detail = s.CustomerDetailSerializer(context={"request": _request(sales.executive)})
    assert detail.to_representation(customer)["shares"] == []
    assert detail._compiled_readers is not readers["exec"]
    assert detail._compiled_readers[-1][0] == "shares"


def test_choice_labels_are_written_in_the_request_language(sales, rows):
    """A choice's label (status_label) is read from the choices mapped once per process, and still
    translated for each request."""
    from django.utils import translation

    customer = rows["远景贸易"]
    for language, chinese in (("zh-hans", True), ("en", False)):
        with translation.override(language):
            compiled, standard = _both_ways(s.CustomerSerializer, customer, sales.executive)
            assert compiled["status_label"] == standard["status_label"] == customer.get_status_display()
            assert compiled["status_label"].isascii() is not chinese, language


def test_columns_not_loaded_are_read_the_standard_way(sales, rows):
    """Columns are read from the row as loaded; one deferred (not loaded) is read as DRF reads it."""
    customer = Customer.objects.defer("notes", "created_at", "level").get(name="上海华信网络科技有限公司")
    compiled, standard = _both_ways(s.CustomerSerializer, customer, sales.executive)
    assert compiled == standard and compiled["level"] == rows["上海华信网络科技有限公司"].level_id
    assert compiled["created_at"] and compiled["id"] == customer.pk


def test_times_are_written_in_the_request_time_zone(sales, rows):
    """Times are written as DRF writes them, in the current time zone: +08:00 in Shanghai, Z in UTC."""
    from django.utils import timezone

    customer = rows["上海华信网络科技有限公司"]
    for zone, ending in (("Asia/Shanghai", "+08:00"), ("UTC", "Z")):
        with timezone.override(zone):
            compiled, standard = _both_ways(s.CustomerSerializer, customer, sales.executive)
            assert compiled == standard, zone
            assert compiled["created_at"].endswith(ending) and compiled["last_followup_at"].endswith(ending)


def test_list_rows_send_init_signals_once_a_receiver_listens(sales, rows):
    """The page's customers skip Model.__init__ only while nothing listens to its signals."""
    from django.db.models.signals import post_init

    from crm.customers.api import rows as list_rows

    made = []

    def receiver(sender, instance, **kwargs):
        made.append(instance.pk)

    post_init.connect(receiver, sender=Customer)
    list_rows._page_statement.cache_clear()
    try:
        listed = list(customer_rows(Customer.objects.filter(pk__in=[c.pk for c in rows.values()])))
    finally:
        post_init.disconnect(receiver, sender=Customer)
        list_rows._page_statement.cache_clear()
    assert sorted(made) == sorted(c.pk for c in listed) and len(listed) == 3
    assert "search_tokens" in listed[0].get_deferred_fields()
