"""客户流失管理 pages: tabs, filters (name, pinyin, manager), sorting, a fixed number of queries,
the detail with its dialogs, 404 outside the scope, the 360 section and the workbench panel."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from crm.churn import services
from crm.churn.models import ChurnWarning, CustomerValue, SuspensionMeasure, WarningState
from crm.churn.scan import churn_scan
from crm.churn.tests.conftest import OLD, TODAY, warned
from crm.customers.models import Customer, CustomerStatus
from crm.customers.testing import make_customer
from crm.orders.testing import make_order

NOW = datetime.datetime(2026, 8, 31, tzinfo=datetime.UTC)


def _value(customer, p_alive: float) -> None:
    CustomerValue.objects.create(
        customer=customer, orders=2, first_order_on=OLD, last_order_on=OLD, spend=100, p_alive=p_alive,
        expected_orders=0.1, expected_spend=10, refreshed_at=NOW,
    )


def _rows(answer) -> list[str]:
    import re

    return re.findall(r'data-testid="warning-row" data-customer="([^"]+)"', answer.content.decode())


def test_tabs_filters_sorting_and_scope(client, sales, customer, far_customer):
    second = make_customer(manager=sales.manager, name="北京华信网络有限公司")
    for made, day in ((customer, OLD), (second, OLD - datetime.timedelta(days=40)), (far_customer, OLD)):
        make_order(made, ordered_on=day)
    churn_scan(today=TODAY)
    _value(customer, 0.12)
    _value(second, 0.64)
    client.force_login(sales.manager)
    page = client.get("/churn/")
    assert page.status_code == 200
    assert sorted(_rows(page)) == sorted([customer.name, second.name])  # not the Shenzhen manager's
    body = page.content.decode()
    assert "12%" in body and "64%" in body
    assert _rows(client.get("/churn/", {"customer_name": "浦江"})) == [customer.name]
    assert _rows(client.get("/churn/", {"customer_name": "pujiang"})) == [customer.name]
    assert _rows(client.get("/churn/", {"customer_name": "bjhx"})) == [second.name]
    assert _rows(client.get("/churn/", {"ordering": "p_alive"})) == [customer.name, second.name]
    assert _rows(client.get("/churn/", {"ordering": "-p_alive"})) == [second.name, customer.name]
    assert _rows(client.get("/churn/", {"ordering": "last_order_on"})) == [second.name, customer.name]
    assert _rows(client.get("/churn/", {"alive_below": "0.5"})) == [customer.name]
    assert _rows(client.get("/churn/", {"alive_below": "0.7", "ordering": "-p_alive"})) == [second.name, customer.name]
    assert sorted(_rows(client.get("/churn/", {"alive_below": "2"}))) == sorted([customer.name, second.name])  # ignored
    assert _rows(client.get("/churn/", {"tab": "confirmed"})) == []
    far = ChurnWarning.objects.get(customer=far_customer)
    assert client.get(f"/churn/{far.pk}/").status_code == 404
    assert client.get(f"/churn/{far.pk}/measure/").status_code == 404

    client.force_login(sales.supervisor)  # 上海分公司's subtree: both managers of 销售一部, not 深圳
    assert sorted(_rows(client.get("/churn/"))) == sorted([customer.name, second.name])
    assert _rows(client.get("/churn/", {"manager": sales.colleague.pk})) == []
    client.force_login(sales.executive)
    assert _rows(client.get("/churn/", {"manager": sales.other.pk})) == [far_customer.name]


def test_the_list_reads_a_fixed_number_of_queries(client, sales):
    def count(n: int) -> int:
        for i in range(n):
            made = make_customer(manager=sales.manager, name=f"查询计数客户{Customer.objects.count()}{i}有限公司")
            make_order(made, ordered_on=OLD)
            _value(made, 0.5)
        churn_scan(today=TODAY)
        for warning in ChurnWarning.objects.all()[:2]:
            SuspensionMeasure.objects.create(warning=warning, text="措施", created_by=sales.manager)
        client.force_login(sales.manager)
        client.get("/churn/")  # the session, the menu and the settings read once
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/churn/").status_code == 200
        return len(queries)

    assert count(2) == count(8)


def test_detail_dialogs_and_the_confirm_button_waits_for_a_measure(client, sales, customer):
    warning = warned(customer)
    client.force_login(sales.manager)
    page = client.get(f"/churn/{warning.pk}/").content.decode()
    assert 'data-testid="confirm-why"' in page and "disabled" in page
    refused = client.post(f"/churn/{warning.pk}/confirm/", {"reason": "客户倒闭"})
    assert refused.status_code == 400 and ChurnWarning.objects.get(pk=warning.pk).state == WarningState.OPEN
    answer = client.post(f"/churn/{warning.pk}/measure/", {"text": "电话回访"})
    assert answer.status_code == 302 and answer["Location"] == f"/churn/{warning.pk}/"
    page = client.get(f"/churn/{warning.pk}/").content.decode()
    assert "电话回访" in page and 'data-testid="confirm-why"' not in page
    assert client.post(f"/churn/{warning.pk}/confirm/", {"reason": ""}).status_code == 400
    assert client.post(f"/churn/{warning.pk}/confirm/", {"reason": "客户倒闭"}).status_code == 302
    assert Customer.objects.get(pk=customer.pk).status == CustomerStatus.LOST
    page = client.get(f"/churn/{warning.pk}/").content.decode()
    assert "客户倒闭" in page and 'data-testid="warning-measure"' not in page
    assert customer.name in client.get("/churn/", {"tab": "confirmed"}).content.decode()


def test_without_the_functions_no_buttons_and_403(client, sales, customer):
    warning = warned(customer)
    client.force_login(sales.executive)
    page = client.get(f"/churn/{warning.pk}/").content.decode()
    assert 'data-testid="warning-measure"' not in page and 'data-testid="warning-confirm"' not in page
    assert client.get(f"/churn/{warning.pk}/measure/").status_code == 403


def test_the_customer_page_section_timeline_and_the_workbench_panel(client, sales, customer):
    warning = warned(customer)
    _value(customer, 0.3)
    services.measure_add(actor=sales.manager, warning=warning, text="寄送新品目录")
    client.force_login(sales.manager)
    section = client.get(f"/customers/{customer.pk}/", {"tab": "churn"})
    assert section.status_code == 200
    home = client.get("/").content.decode()
    assert 'data-testid="panel-churn"' in home and customer.name in home and "30%" in home
    client.force_login(sales.colleague)
    assert customer.name not in client.get("/").content.decode()


def test_each_sort_of_the_list_has_its_index():
    """A page of the list sorted by a column of the warnings is read in an index's order (the
    executive's first page at scale 1: 1.1 s joining every customer without, 8 ms with; docs/
    benchmarks.md, issue 15). The probability comes from another table and is sorted per page."""
    from crm.churn.selectors import ORDERINGS

    indexed = {tuple(name.lstrip("-") for name in index.fields) for index in ChurnWarning._meta.indexes}
    columns = {key.lstrip("-"): fields for key, fields in ORDERINGS.items() if all(isinstance(f, str) for f in fields)}
    assert set(columns) == {"created_at", "last_order_on"}
    for fields in columns.values():
        assert tuple(name.lstrip("-") for name in fields) in indexed


def test_a_narrow_scope_sorts_as_the_whole_list(sales, customer):
    """A manager's few customers' warnings are read through the customer index and sorted by an
    expression (crm.churn.selectors._unindexed): the same rows in the same order as the whole list
    read in its index's order, for every sort, ties included."""
    from crm.access.engine import access_for
    from crm.churn.permissions import WARNING
    from crm.churn.selectors import ORDERINGS, warning_list

    mine = [customer, *(make_customer(manager=sales.manager, name=f"宁波排序客户{i}有限公司") for i in range(4))]
    for i, made in enumerate(mine):
        make_order(made, ordered_on=OLD - datetime.timedelta(days=i % 2))  # ties on the last order
        _value(made, (0.3, 0.3, 0.8, 0.1, 0.5)[i])
    churn_scan(today=TODAY)  # one instant for every warning: ties on the time warned
    ids = {made.pk for made in mine}
    for key in ORDERINGS:
        narrow = [w.customer.name for w in warning_list(user=sales.manager, filters={"ordering": key})]
        whole = [w.customer.name for w in warning_list(user=sales.executive, filters={"ordering": key})
                 if w.customer_id in ids]
        assert narrow == whole, key
        assert len(narrow) == len(mine)
    assert access_for(sales.manager).narrow_listing(WARNING)  # the manager's list took the narrow path
    assert not access_for(sales.executive).narrow_listing(WARNING)
