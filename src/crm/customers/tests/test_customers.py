"""Creating and editing customers (CUS-1, CUS-2, CUS-8, CUS-14) through the services."""

import pytest

from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.customers.models import BRAND_KINDS, Customer, CustomerKey, CustomerStatus, CustomField, EventKind
from crm.customers.selectors.customers import customer_get, customer_search
from crm.customers.services.customers import customer_set_status, customer_update
from crm.customers.services.duplicates import duplicate_rule_set, similar_name_candidates
from crm.customers.testing import make_customer, picklist


def test_a_customer_gets_a_number_keys_tokens_and_a_timeline_entry(sales):
    customer = make_customer(manager=sales.manager, name="北京华信科技有限公司", phone="+86 138-1234-5678")
    assert customer.number.startswith("KH") and len(customer.number) == 8
    assert customer.name_key == "华信科技"
    assert customer.name_initials == "bjhxkjyxgs"
    assert customer.phone == "138 1234 5678"  # stored in one format
    kinds = dict(CustomerKey.objects.filter(customer=customer).values_list("kind", "value"))
    assert kinds == {"name": "华信科技", "phone": "13812345678", "brand": "华信", "brand_sound": "huaxin"}
    assert customer.events.get().kind == EventKind.CREATED
    second = make_customer(manager=sales.manager, name="上海远景贸易有限公司")
    assert int(second.number[2:]) == int(customer.number[2:]) + 1


def test_required_fields_and_formats_are_checked_in_chinese(sales, settings):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as caught:
        make_customer(
            manager=sales.manager, name="有限公司", phone="12345", credit_code="91110000600037341X", postcode="abc"
        )
    fields = caught.value.fields
    assert set(fields) >= {"name", "phone", "credit_code", "postcode"}
    assert "统一社会信用代码" in fields["credit_code"][0]
    assert not Customer.objects.exists()


def test_a_duplicate_typed_differently_is_a_warning_until_confirmed(sales):
    make_customer(manager=sales.colleague, name="上海华信科技股份有限公司", phone="021-62345678")
    with pytest.raises(Conflict) as caught:
        make_customer(manager=sales.manager, name="华信科技（上海）有限公司", phone="(021) 6234 5678", confirm=False)
    assert caught.value.code == "duplicate_warning"
    match = caught.value.details["duplicates"][0]
    assert set(match["reasons"]) == {"name", "phone"}
    assert match["manager"] == "周杰" and match["visible"] is False and "id" not in match
    assert match["name"].startswith("上") and "华信" not in match["name"]  # masked: outside the scope
    assert Customer.objects.count() == 1
    make_customer(manager=sales.manager, name="华信科技（上海）有限公司", phone="(021) 6234 5678", confirm=True)
    assert Customer.objects.count() == 2


def test_a_blocking_rule_refuses_even_when_confirmed(sales):
    duplicate_rule_set(
        actor=sales.executive.__class__.objects.create_superuser("root", "r@x.cn", "x"), kind="name", mode="block"
    )
    make_customer(manager=sales.colleague, name="深圳前海微众科技有限公司")
    with pytest.raises(Conflict) as caught:
        make_customer(manager=sales.manager, name="前海微众科技", confirm=True)
    assert caught.value.code == "duplicate"
    assert caught.value.details["duplicates"][0]["transfer_token"]
    assert Customer.objects.count() == 1


def test_similar_names_warn(sales):
    make_customer(manager=sales.manager, name="杭州华信网络科技有限公司")
    with pytest.raises(Conflict) as caught:
        make_customer(manager=sales.manager, name="杭州华信科技有限公司", confirm=False)
    match = caught.value.details["duplicates"][0]
    assert match["reasons"] == ["similar_name"] and match["score"] >= 80 and match["visible"] is True


def test_similar_names_with_a_brand_of_digits_are_found_by_the_brand_not_by_phones(sales):
    """CUS-8: a name starting with digits finds the companies with the same brand; customers whose
    phone digits start the same way are not candidates."""
    from crm.customers.normalise import name_key

    same = make_customer(manager=sales.manager, name="360安全科技股份有限公司", phone="010-52448888")
    phone_only = make_customer(manager=sales.manager, name="北京远景贸易有限公司", phone="021-36012345")
    assert similar_name_candidates(name_key("360科技有限公司")) == [same.pk]
    assert phone_only.pk in similar_name_candidates(name_key("远景贸易有限公司"))
    with pytest.raises(Conflict) as caught:
        make_customer(manager=sales.manager, name="360科技有限公司", confirm=False)
    assert [m["reasons"] for m in caught.value.details["duplicates"]] == [["similar_name"]]


def test_similar_name_candidates_share_the_brand_or_its_sound(sales):
    """CUS-8: the candidates are the customers whose name key starts with the same brand (字号), or
    with one that sounds the same, a final -ng blurred into -n (华星 / 华信); a brand further into the
    name (after a region the key keeps) is not one."""
    from crm.customers.normalise import name_key

    same = make_customer(manager=sales.manager, name="杭州华信网络科技有限公司")
    sounding = make_customer(manager=sales.manager, name="华星科技有限公司")
    make_customer(manager=sales.manager, name="新华信息技术有限公司")
    make_customer(manager=sales.manager, name="华夏银行股份有限公司")
    assert similar_name_candidates(name_key("华信科技有限公司")) == [sounding.pk, same.pk]
    assert similar_name_candidates(name_key("一")) == []


def test_the_brand_keys_migration_adds_what_a_write_stores(sales):
    from importlib import import_module

    from django.apps import apps

    from crm.customers.services import indexing

    customers = [make_customer(manager=sales.manager, name=name) for name in ("华信科技", "360安全", "一")]
    stored = set(CustomerKey.objects.filter(kind__in=BRAND_KINDS).values_list("customer_id", "kind", "value"))
    CustomerKey.objects.filter(kind__in=BRAND_KINDS).delete()
    import_module("crm.customers.migrations.0016_brand_keys").add_brand_keys(apps, None)
    assert set(CustomerKey.objects.filter(kind__in=BRAND_KINDS).values_list("customer_id", "kind", "value")) == stored
    assert stored == {
        (c.pk, kind, value) for c in customers for kind, value in indexing.own_key_values(c) if kind in BRAND_KINDS
    }
    assert len(stored) == 3  # 华信 and huaxin; 360; nothing for one character


def test_search_by_fragment_pinyin_initials_phone_contact_and_number(sales):
    from crm.customers.testing import make_contact

    customer = make_customer(manager=sales.manager, name="北京科技发展有限公司", phone="010-82345678")
    make_contact(customer=customer, name="王小明", mobile="139 0000 1111")
    make_customer(manager=sales.manager, name="上海远景贸易有限公司")
    for query in [
        "科技发展",
        "beijingkeji",
        "bjkj",
        "kjfz",
        "8234",
        "13900001111",
        "王小明",
        customer.number,
        "北京 发展",
    ]:
        assert [c.pk for c in customer_search(user=sales.manager, query=query)] == [customer.pk], query
    assert customer_search(user=sales.manager, query="远景科技") == []


def test_a_customer_outside_the_scope_does_not_exist(sales):
    from crm.core.errors import NotFound

    customer = make_customer(manager=sales.other, name="深圳腾飞电子有限公司")
    with pytest.raises(NotFound):
        customer_get(user=sales.manager, pk=customer.pk)
    assert customer_search(user=sales.manager, query="腾飞") == []
    assert customer_get(user=sales.executive, pk=customer.pk) == customer


def test_only_normal_customers_are_edited_by_their_manager(sales):
    customer = make_customer(manager=sales.manager, name="苏州恒通机械有限公司")
    customer_update(actor=sales.manager, customer=customer, data={"address": "苏州工业园区星湖街 328 号"})
    customer_set_status(actor=sales.supervisor, customer=customer, status=CustomerStatus.CHURN_WARNING)
    with pytest.raises(Conflict) as caught:
        customer_update(actor=sales.manager, customer=customer, data={"address": "别处"})
    assert caught.value.code == "not_editable"
    customer_update(actor=sales.supervisor, customer=customer, data={"address": "苏州新区"})
    customer.refresh_from_db()
    assert customer.address == "苏州新区"
    with pytest.raises(PermissionDenied):
        customer_update(actor=sales.colleague, customer=customer, data={"address": "x"})


def test_custom_fields_are_typed_and_required(sales):
    CustomField.objects.create(key="employees", label="员工人数", field_type="number", required=True)
    CustomField.objects.create(key="grade", label="评级", field_type="choice", options=["A", "B"])
    with pytest.raises(ValidationFailed) as caught:
        make_customer(manager=sales.manager, name="南京达信物流有限公司")
    assert "custom.employees" in caught.value.fields
    from crm.customers.services.customers import customer_create

    with pytest.raises(ValidationFailed) as caught:
        customer_create(
            actor=sales.manager,
            data={
                "name": "南京达信物流有限公司",
                "region": picklist("region"),
                "level": picklist("customer_level"),
                "satisfaction": 3,
                "credit": 3,
            },
            custom={"employees": "很多", "grade": "C", "unknown": 1},
        )
    assert set(caught.value.fields) == {"custom.employees", "custom.grade", "custom.unknown"}
    customer = customer_create(
        actor=sales.manager,
        data={
            "name": "南京达信物流有限公司",
            "region": picklist("region"),
            "level": picklist("customer_level"),
            "satisfaction": 3,
            "credit": 3,
        },
        custom={"employees": "1,200", "grade": "A"},
    )
    assert customer.custom == {"employees": 1200, "grade": "A"}


def test_a_user_who_may_not_see_phones_cannot_search_by_them(sales):
    from crm.access.engine import forget
    from crm.access.models import FieldRule, Role

    make_customer(manager=sales.manager, name="大连港集团有限公司", phone="0411-82798888")
    assert customer_search(user=sales.manager, query="82798888")
    FieldRule.objects.create(
        role=Role.objects.get(code="manager"), resource="customers.customer", field="phone", rule="masked"
    )
    forget(sales.manager)  # the engine keeps a user's policy for the request
    assert customer_search(user=sales.manager, query="82798888") == []
    assert customer_search(user=sales.manager, query="大连港")


def test_the_status_moves_along_the_churn_table_and_asks_the_engine(sales):
    """s003/5 §3.2.2: a warning is suspended before the churn is confirmed; an illegal step is a
    409 with the reason; only someone who may edit the customer moves it."""
    from crm.core.states import IllegalTransition

    customer = make_customer(manager=sales.manager, name="苏州恒通机械有限公司")
    with pytest.raises(PermissionDenied):
        customer_set_status(actor=sales.other, customer=customer, status=CustomerStatus.CHURN_WARNING)
    with pytest.raises(IllegalTransition) as caught:
        customer_set_status(actor=sales.supervisor, customer=customer, status=CustomerStatus.LOST)
    assert caught.value.status == 409 and caught.value.details["allowed"] == ["warn"]
    for status in (CustomerStatus.CHURN_WARNING, CustomerStatus.CHURN_SUSPENDED, CustomerStatus.LOST):
        customer_set_status(actor=sales.supervisor, customer=customer, status=status, reason="半年未下单")
    customer.refresh_from_db()
    assert customer.status == CustomerStatus.LOST
    statuses = [e.data["status"] for e in customer.events.filter(kind=EventKind.STATUS).order_by("id")]
    assert statuses == [["normal", "churn_warning"], ["churn_warning", "churn_suspended"], ["churn_suspended", "lost"]]
    stale = Customer.objects.get(pk=customer.pk)
    customer_set_status(actor=sales.supervisor, customer=customer, status=CustomerStatus.NORMAL)
    with pytest.raises(Conflict):  # read before the change: it lost the race
        customer_set_status(actor=sales.supervisor, customer=stale, status=CustomerStatus.NORMAL)


def test_a_bulk_status_move_audits_and_records_exactly_the_customers_it_moves(sales):
    """customers_status_move (the churn scan, orders coming in): every source status of the action
    moves, each customer's audit row and timeline entry say its own step; a customer in no source
    status stays, with neither."""
    from crm.audit.models import AuditEvent
    from crm.customers.services.customers import customers_status_move

    made = {
        status: make_customer(manager=sales.manager, name=f"{name}贸易有限公司")
        for status, name in [
            (CustomerStatus.CHURN_WARNING, "宁波海曙"), (CustomerStatus.CHURN_SUSPENDED, "温州鹿城"),
            (CustomerStatus.LOST, "绍兴越城"), (CustomerStatus.NORMAL, "嘉兴南湖"),
        ]
    }
    for status, customer in made.items():
        Customer.objects.filter(pk=customer.pk).update(status=status)
    ids = [customer.pk for customer in made.values()]
    moved = customers_status_move(actor=sales.supervisor, customer_ids=ids, action="recover", reason="重新下单")
    assert moved == 3
    assert set(Customer.objects.filter(pk__in=ids).values_list("status", flat=True)) == {CustomerStatus.NORMAL}
    for status, customer in made.items():
        audits = AuditEvent.objects.filter(object_id=str(customer.pk), message="status recover")
        events = customer.events.filter(kind=EventKind.STATUS)
        if status == CustomerStatus.NORMAL:
            assert not audits.exists() and not events.exists()
            continue
        audit, event = audits.get(), events.get()
        assert audit.changes == {"status": [status, "normal"]} and audit.object_repr == customer.name
        assert audit.actor_id == sales.supervisor.pk and audit.action == "update"
        assert event.data == {"status": [status, "normal"]} and event.summary == "重新下单"
        assert event.actor_id == sales.supervisor.pk
    assert customers_status_move(actor=None, customer_ids=ids, action="recover") == 0


@pytest.mark.django_db
def test_the_number_and_external_id_have_no_pattern_index_on_postgresql():
    """Migration 0013: no query finds customers by a case-sensitive prefix of either column; the
    unique indexes serve `=` and `IN`. Each index costs every customer row written."""
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no pattern indexes")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'customers_customer'"
        )
        definitions = dict(cursor.fetchall())
    assert not [name for name, sql in definitions.items() if "pattern_ops" in sql]
    assert {"customers_customer_number_key", "customers_customer_external_id_key"} <= set(definitions)
