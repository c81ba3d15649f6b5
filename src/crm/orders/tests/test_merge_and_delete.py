"""Orders follow their customer: a merge moves the merged customers' orders and ERP links onto the
target (later orders with the old codes land there too); a customer with orders cannot be deleted
(409 in_use, naming the orders), as the ERP still holds them."""

import pytest

from crm.core.errors import Conflict
from crm.customers.services.customers import customer_delete
from crm.customers.services.merge import customers_merge
from crm.customers.testing import make_customer
from crm.orders.models import CustomerLink, Order
from crm.orders.services import erp_account_issue
from crm.orders.sync import orders_sync, products_sync
from crm.orders.testing import make_order

LINES = [{"product": "P1", "quantity": 1, "price": 1}]
ROW = {"number": "XS1", "ordered_on": "2026-11-02", "status": 5, "lines": LINES}


def test_a_merge_moves_orders_and_links_and_later_orders_follow(sales, admin_user):
    target = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    twin = make_customer(manager=sales.manager, name="上海浦江电子科技有限公司")
    erp, _key = erp_account_issue()
    products_sync(actor=erp, rows=[{"external_id": "P1", "name": "路由器"}])
    orders_sync(actor=erp, rows=[{**ROW, "external_id": "A", "customer_code": twin.number}])
    assert CustomerLink.objects.get(code=twin.number).customer == twin
    customers_merge(actor=admin_user, target=target, others=[twin])
    assert Order.objects.get(external_id="A").customer == target
    assert CustomerLink.objects.get(code=twin.number).customer == target
    orders_sync(actor=erp, rows=[{**ROW, "external_id": "B", "customer_code": twin.number}])
    assert Order.objects.get(external_id="B").customer == target


def test_a_customer_with_orders_is_not_deleted(sales, admin_user):
    customer = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    make_order(customer)
    with pytest.raises(Conflict) as raised:
        customer_delete(actor=admin_user, customer=customer)
    assert raised.value.code == "in_use"
    assert Order.objects.filter(customer=customer).count() == 1
