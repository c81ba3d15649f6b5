"""The customer pages through the test client: list and its filters, conditions and saved views,
create with the duplicate warning, the 360 page, dialogs, pool, merge; scope and query counts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from crm.customers.models import Customer, FollowUp, SavedView
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_contact, make_customer, picklist


@pytest.fixture
def manager_client(client, sales):
    client.force_login(sales.manager)
    return client


def _names(response) -> list[str]:
    return [c.name for c in response.context["customers"]]


def test_the_list_filters_searches_and_sorts_by_pinyin(manager_client, sales):
    make_customer(manager=sales.manager, name="北京华信科技有限公司", level=picklist("customer_level", "2"))
    make_customer(manager=sales.manager, name="安徽江淮汽车有限公司")
    make_customer(manager=sales.other, name="北京外部公司有限公司")
    response = manager_client.get(reverse("customers:list"), {"ordering": "name"})
    assert response.status_code == 200 and _names(response) == ["安徽江淮汽车有限公司", "北京华信科技有限公司"]
    assert _names(manager_client.get(reverse("customers:list"), {"q": "bjhx"})) == ["北京华信科技有限公司"]
    level = picklist("customer_level", "2")
    assert _names(manager_client.get(reverse("customers:list"), {"level": level.pk})) == ["北京华信科技有限公司"]


def test_conditions_with_or_and_a_saved_view(manager_client, sales):
    make_customer(manager=sales.manager, name="甲公司有限公司", satisfaction=5)
    make_customer(manager=sales.manager, name="乙公司有限公司", satisfaction=1, address="杭州")
    make_customer(manager=sales.manager, name="丙公司有限公司", satisfaction=3)
    params = {
        "c-field-0": "satisfaction",
        "c-op-0": "gte",
        "c-value-0": "5",
        "c-field-1": "address",
        "c-op-1": "contains",
        "c-value-1": "杭州",
        "logic": "or",
    }
    response = manager_client.get(reverse("customers:list"), params)
    assert sorted(_names(response)) == ["乙公司有限公司", "甲公司有限公司"]
    saved = manager_client.post(
        reverse("customers:view_save"), {**params, "view_name": "满意或杭州", "col": ["name", "satisfaction"]}
    )
    view = SavedView.objects.get(name="满意或杭州")
    assert saved.status_code == 302 and f"view={view.pk}" in saved["Location"]
    reopened = manager_client.get(saved["Location"])
    assert sorted(_names(reopened)) == ["乙公司有限公司", "甲公司有限公司"]
    assert [c.key for c in reopened.context["columns"]] == ["name", "satisfaction"]
    bad = manager_client.get(
        reverse("customers:list"), {"c-field-0": "satisfaction", "c-op-0": "gte", "c-value-0": "很多"}
    )
    assert bad.status_code == 200 and bad.context["form"].non_field_errors()


def test_the_list_runs_a_fixed_number_of_queries(manager_client, sales):
    def count(size):
        with CaptureQueriesContext(connection) as captured:
            response = manager_client.get(reverse("customers:list"), {"size": size})
        assert response.status_code == 200
        return len(captured)

    for i in range(5):
        make_customer(manager=sales.manager, name=f"第{i}号测试公司有限公司")
    count(20)  # the session and the cached settings (pools, rules) warm up
    few = count(20)
    for i in range(5, 60):
        make_customer(manager=sales.manager, name=f"第{i}号测试公司有限公司")
    assert count(50) == few


def test_create_warns_of_a_duplicate_and_saves_when_confirmed(manager_client, sales):
    make_customer(manager=sales.colleague, name="上海华信科技股份有限公司", phone="021-62345678")
    data = {
        "name": "华信科技（上海）有限公司",
        "region": picklist("region").pk,
        "level": picklist("customer_level").pk,
        "manager": sales.manager.pk,
        "satisfaction": 3,
        "credit": 3,
        "phone": "(021) 6234 5678",
    }
    first = manager_client.post(reverse("customers:create"), data)
    assert first.status_code == 200 and first.context["duplicates"]
    assert "周杰" in first.content.decode()
    assert Customer.objects.count() == 1
    second = manager_client.post(reverse("customers:create"), {**data, "confirm_duplicates": "1"})
    assert second.status_code == 302
    assert Customer.objects.count() == 2


def test_the_live_duplicate_check_partial(manager_client, sales):
    make_customer(manager=sales.manager, name="深圳市大疆创新科技有限公司")
    response = manager_client.get(reverse("customers:duplicate_check"), {"name": "大疆创新科技"})
    assert response.status_code == 200 and "深圳市大疆创新科技有限公司" in response.content.decode()


def test_the_360_page_and_its_dialogs(manager_client, sales):
    customer = make_customer(manager=sales.manager, name="厦门象屿物流有限公司")
    make_contact(customer=customer, name="林志强")
    page = manager_client.get(reverse("customers:detail", args=[customer.pk]))
    assert page.status_code == 200 and "林志强" in page.content.decode()
    dialog = manager_client.get(reverse("customers:followup_create", args=[customer.pk]), HTTP_HX_REQUEST="true")
    assert dialog.status_code == 200 and 'name="content"' in dialog.content.decode()
    saved = manager_client.post(
        reverse("customers:followup_create", args=[customer.pk]),
        {"method": picklist("followup_method").pk, "content": "电话确认到货时间", "next_followup_on": "2099-01-01"},
        HTTP_HX_REQUEST="true",
    )
    assert saved.status_code == 204 and "crm:saved" in saved["HX-Trigger"]
    assert FollowUp.objects.filter(customer=customer).count() == 1
    invalid = manager_client.post(
        reverse("customers:followup_create", args=[customer.pk]), {"content": ""}, HTTP_HX_REQUEST="true"
    )
    assert invalid.status_code == 200 and "invalid-feedback" in invalid.content.decode()
    section = manager_client.get(reverse("customers:section", args=[customer.pk, "followups"]))
    assert "电话确认到货时间" in section.content.decode()


def test_other_peoples_customers_are_404_on_every_page(manager_client, sales):
    foreign = make_customer(manager=sales.other, name="深圳外部客户有限公司")
    contact = make_contact(customer=foreign, actor=sales.other)
    for name, args in [
        ("customers:detail", [foreign.pk]),
        ("customers:edit", [foreign.pk]),
        ("customers:followup_create", [foreign.pk]),
        ("customers:contact_create", [foreign.pk]),
        ("customers:contact_edit", [contact.pk]),
        ("customers:section", [foreign.pk, "contacts"]),
    ]:
        assert manager_client.get(reverse(name, args=args)).status_code == 404, name
    assert list(manager_client.get(reverse("customers:list"), {"q": "外部"}).context["customers"]) == []
    assert manager_client.get(reverse("imports:export_new"), {"type": "customers"}).status_code == 403


def test_the_pool_page_claims(manager_client, sales, seeded):
    customer = make_customer(manager=sales.colleague, name="南通中远海运船务有限公司")
    customer_release(actor=sales.colleague, customer=customer, reason="离职交接前释放")
    page = manager_client.get(reverse("customers:pool"))
    assert page.status_code == 200 and "南通中远海运船务有限公司" in page.content.decode()
    claimed = manager_client.post(reverse("customers:claim", args=[customer.pk]))
    assert claimed.status_code == 302
    customer.refresh_from_db()
    assert customer.manager == sales.manager


def test_the_merge_page(client, sales):
    first = make_customer(manager=sales.manager, name="上海申通快递有限公司")
    second = make_customer(manager=sales.manager, name="申通快递股份有限公司", address="青浦")
    client.force_login(sales.supervisor)
    groups = client.get(reverse("customers:duplicates"))
    assert groups.status_code == 200 and len(groups.context["groups"]) == 1
    page = client.get(reverse("customers:merge"), {"ids": f"{first.pk},{second.pk}"})
    assert page.status_code == 200
    merged = client.post(
        reverse("customers:merge"), {"ids": f"{first.pk},{second.pk}", "target": first.pk, "f-address": second.pk}
    )
    assert merged.status_code == 302
    first.refresh_from_db()
    assert first.address == "青浦" and not Customer.objects.filter(pk=second.pk).exists()


def test_the_export_follows_the_columns_on_screen_with_custom_fields(client, sales):
    import csv
    import io

    from crm.customers.models import CustomField
    from crm.customers.services.customers import customer_update

    CustomField.objects.create(key="employees", label="员工人数", field_type="number")
    CustomField.objects.create(key="channels", label="渠道", field_type="multichoice", options=["线上", "线下"])
    customer = make_customer(manager=sales.manager, name="青岛啤酒股份有限公司", phone="0532-85713831")
    customer_update(
        actor=sales.manager, customer=customer, data={}, custom={"employees": 3000, "channels": ["线上", "线下"]}
    )
    client.force_login(sales.supervisor)
    response = client.get(
        reverse("imports:export_new"),
        {"type": "customers", "format": "csv", "col": ["name", "status", "custom.employees", "custom.channels"]},
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["客户名称", "状态", "员工人数", "渠道"]
    assert rows[1] == ["青岛啤酒股份有限公司", "正常", "3000", "线上、线下"]


def test_the_lists_export_link_keeps_filters_and_columns_and_goes_to_the_exports(client, sales):
    """The list's Excel and CSV links go to the exports (crm.imports: big ones run in the
    background), with the list's query string; a small one downloads at once, scoped."""
    import csv
    import html
    import io
    import re

    make_customer(manager=sales.manager, name="青岛啤酒股份有限公司", phone="0532-85713831")
    make_customer(manager=sales.manager, name="烟台张裕葡萄酒股份有限公司")
    make_customer(manager=sales.other, name="深圳腾飞电子有限公司")  # outside the supervisor's scope
    client.force_login(sales.supervisor)
    page = client.get(reverse("customers:list"), {"q": "青岛", "col": ["name", "phone"]}).content.decode()
    link = html.unescape(re.search(r'href="([^"]+format=csv)"', page).group(1))
    assert link.startswith(reverse("imports:export_new") + "?type=customers&") and "q=" in link
    rows = list(csv.reader(io.StringIO(client.get(link).content.decode("utf-8-sig"))))
    assert rows == [["客户名称", "电话"], ["青岛啤酒股份有限公司", "0532-85713831"]]
    everything = html.unescape(
        re.search(r'href="([^"]+format=csv)"', client.get(reverse("customers:list")).content.decode()).group(1)
    )
    names = {
        cell for row in csv.reader(io.StringIO(client.get(everything).content.decode("utf-8-sig"))) for cell in row
    }
    assert "青岛啤酒股份有限公司" in names and "深圳腾飞电子有限公司" not in names


def test_a_transfer_request_from_a_blocked_create_to_the_supervisors_decision(client, sales, admin_user):
    from crm.customers.models import TransferRequest
    from crm.customers.services.duplicates import duplicate_rule_set

    duplicate_rule_set(actor=admin_user, kind="name", mode="block")
    make_customer(manager=sales.manager, name="嘉兴五芳斋食品股份有限公司")
    client.force_login(sales.other)
    data = {
        "name": "五芳斋食品有限公司",
        "region": picklist("region").pk,
        "level": picklist("customer_level").pk,
        "manager": sales.other.pk,
        "satisfaction": 3,
        "credit": 3,
    }
    blocked = client.post(reverse("customers:create"), data)
    assert blocked.status_code == 200 and blocked.context["blocking"]
    token = blocked.context["duplicates"][0]["transfer_token"]
    assert "嘉兴五芳斋" not in blocked.content.decode()  # outside the scope: masked
    sent = client.post(reverse("customers:transfer_create"), {"token": token, "reason": "客户主动联系深圳"})
    assert sent.status_code == 302
    mine = client.get(reverse("customers:transfers")).content.decode()
    assert "嘉兴五芳斋" not in mine and "嘉*" in mine
    request = TransferRequest.objects.get()
    client.force_login(sales.supervisor)
    assert "客户主动联系深圳" in client.get(reverse("customers:transfers")).content.decode()
    client.post(reverse("customers:transfer_decide", args=[request.pk]), {"decision": "approve", "note": "同意"})
    request.refresh_from_db()
    assert request.status == "approved" and request.customer.manager == sales.other


def test_past_the_count_cap_pages_go_on_without_a_full_count(manager_client, sales, monkeypatch):
    from crm.customers.views import list as list_views

    monkeypatch.setattr(list_views, "LIST_COUNT_CAP", 25)
    monkeypatch.setattr(list_views, "LIST_REACH", 100)
    for i in range(45):
        make_customer(manager=sales.manager, name=f"分页测试{i:02d}号有限公司")
    first = manager_client.get(reverse("customers:list"), {"ordering": "name"})
    paginator = first.context["page_obj"].paginator
    assert paginator.is_capped and paginator.count == 25 and "25+ 个客户" in first.content.decode()
    third = manager_client.get(reverse("customers:list"), {"ordering": "name", "page": 3})
    assert len(third.context["customers"]) == 5 and not third.context["page_obj"].has_next()
    assert third.context["customers"][4].name == "分页测试44号有限公司"
    beyond = manager_client.get(reverse("customers:list"), {"ordering": "name", "page": 4})  # past the end
    assert beyond.status_code == 200 and list(beyond.context["customers"]) == []
    out_of_reach = manager_client.get(reverse("customers:list"), {"ordering": "name", "page": 9})
    assert out_of_reach.context["page_obj"].number == 5  # the last page within reach


def test_the_list_says_1000_plus_when_its_count_is_capped_and_the_exact_count_below(manager_client, sales):
    region, level = picklist("region"), picklist("customer_level")
    Customer.objects.bulk_create(
        Customer(
            number=f"KH9{i:05d}",
            name=f"批量{i:04d}号有限公司",
            manager=sales.manager,
            region=region,
            level=level,
            satisfaction=3,
            credit=3,
        )
        for i in range(1000)
    )
    count = manager_client.get(reverse("customers:list")).content.decode().split('data-testid="count">')[1]
    assert "1,000 个客户" in count.split("</span>")[0] and "+" not in count.split("</span>")[0]
    make_customer(manager=sales.manager, name="第一千零一号有限公司")
    count = manager_client.get(reverse("customers:list")).content.decode().split('data-testid="count">')[1]
    assert "1,000+ 个客户" in count.split("</span>")[0]


def test_bulk_tag_and_hand_over_from_the_list(client, sales):
    from crm.customers.models import Tag

    tag = Tag.objects.create(name="重点跟进")
    first = make_customer(manager=sales.manager, name="芜湖奇瑞配件有限公司")
    second = make_customer(manager=sales.manager, name="马鞍山钢铁贸易有限公司")
    client.force_login(sales.supervisor)
    assert 'name="manager"' in client.get(reverse("customers:bulk_form", args=["handover"])).content.decode()
    client.post(reverse("customers:bulk"), {"ids": [first.pk, second.pk], "action": "tag", "tag": tag.pk})
    assert set(tag.customers.values_list("pk", flat=True)) == {first.pk, second.pk}
    client.post(
        reverse("customers:bulk"),
        {"ids": [first.pk, second.pk], "action": "handover", "manager": sales.colleague.pk, "note": "调整"},
    )
    assert set(Customer.objects.filter(manager=sales.colleague).values_list("pk", flat=True)) == {first.pk, second.pk}
    client.force_login(sales.manager)
    assert client.get(reverse("customers:bulk_form", args=["handover"])).status_code == 403


def test_another_app_writes_to_the_timeline_and_the_360_page_shows_it(client, sales):
    """The timeline is open (crm.customers.timeline): a kind this app does not know, registered
    the way the opportunities or service apps do, shows with its label and a link to its record."""
    from crm.customers.services.events import event_record
    from crm.customers.timeline import EventType, register_event_type

    register_event_type(
        EventType(kind="tests.won", label="商机赢单", link=lambda event: f"/opportunities/{event.data['id']}/")
    )
    customer = make_customer(manager=sales.manager, name="杭州娃哈哈集团有限公司")
    event_record(customer=customer, kind="tests.won", actor=sales.manager, summary="年度框架协议", data={"id": 7})
    event_record(customer=customer, kind="tests.unknown", summary="未登记的类型")
    client.force_login(sales.manager)
    html = client.get(reverse("customers:section", args=[customer.pk, "timeline"])).content.decode()
    assert '<a href="/opportunities/7/"><strong>商机赢单</strong></a>：年度框架协议' in html
    assert "<strong>tests.unknown</strong>：未登记的类型" in html
    rows = client.get(f"/api/v1/customers/{customer.pk}/timeline/").json()["results"]
    assert [row["kind_label"] for row in rows[:2]] == ["tests.unknown", "商机赢单"]
