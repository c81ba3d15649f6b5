"""SEG-4: the customer value job sums every customer's order history in the database, fits the
models and writes each customer's probability of still being active and expected orders and
spend; the page shows them within the viewer's scope, at risk first."""

import datetime
from decimal import Decimal

import pytest

from crm.churn.models import CustomerValue, ValueModel
from crm.churn.value import MIN_CUSTOMERS, customer_values, value_refresh
from crm.customers.testing import make_customer
from crm.orders.models import EFFECTIVE, Order
from crm.orders.testing import make_order, make_product

TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def history(sales):
    """40 customers with orders: regular buyers, one-off buyers, and buyers who stopped a year ago.
    Half belong to the manager, half to the Shenzhen manager."""
    product = make_product()
    customers = []
    for index in range(40):
        manager = sales.manager if index % 2 else sales.other
        customer = make_customer(manager=manager, name=f"历史客户{index}有限公司")
        customers.append(customer)
        kind = index % 4
        if kind == 0:  # bought once, 100 days ago
            days = [100]
        elif kind == 3:  # bought monthly for a year, then stopped 300 days ago
            days = [300 + 30 * n for n in range(12)]
        else:  # buys every month, last a fortnight ago
            days = [14 + 30 * n + index for n in range(10)]
        for day in days:
            lines = [(product, "1", f"{100 + index}")]
            make_order(customer, ordered_on=TODAY - datetime.timedelta(days=day), lines=lines)
        make_order(customer, ordered_on=TODAY - datetime.timedelta(days=5), status=3)  # not shipped: ignored
    return customers


def test_the_figures_are_each_customers_own_history_and_the_model_ranks_risk(history):
    result = value_refresh(today=TODAY)
    assert result["fitted"] and result["customers"] == 40
    assert ValueModel.objects.get().parameters["bgnbd"]["r"] > 0
    for customer in history:  # each row against a plain reading of the orders
        orders = list(Order.objects.filter(EFFECTIVE, customer=customer).values_list("ordered_on", "total"))
        value = CustomerValue.objects.get(customer=customer)
        assert value.orders == len(orders)
        assert (value.first_order_on, value.last_order_on) == (min(o[0] for o in orders), max(o[0] for o in orders))
        assert value.spend == sum((o[1] for o in orders), Decimal("0"))
        assert 0 <= value.p_alive <= 1 and value.expected_orders >= 0 and value.expected_spend >= 0
    regular, stopped, once = (CustomerValue.objects.get(customer=history[i]) for i in (1, 3, 0))
    assert regular.p_alive > 0.9 > 0.2 > stopped.p_alive  # a monthly buyer silent for ten months is likely gone
    assert once.p_alive == 1.0  # BG/NBD: no repeat purchase, no evidence of dropping out
    assert regular.expected_orders > stopped.expected_orders
    assert regular.expected_spend > stopped.expected_spend


def test_refreshing_again_replaces_the_rows(history):
    value_refresh(today=TODAY)
    first = dict(CustomerValue.objects.values_list("customer", "p_alive"))
    value_refresh(today=TODAY)
    assert dict(CustomerValue.objects.values_list("customer", "p_alive")) == pytest.approx(first)
    assert ValueModel.objects.count() == 2


def test_too_few_customers_fit_no_model(sales):
    customer = make_customer(manager=sales.manager, name="孤单客户有限公司")
    make_order(customer, ordered_on=TODAY - datetime.timedelta(days=10))
    result = value_refresh(today=TODAY)
    assert not result["fitted"] and result["customers"] == 1 < MIN_CUSTOMERS
    assert not CustomerValue.objects.exists()


def test_everyone_sees_the_figures_of_their_own_scope_at_risk_first(history, sales):
    value_refresh(today=TODAY)
    mine = customer_values(user=sales.manager)
    assert {v.customer.manager_id for v in mine} == {sales.manager.pk} and mine.count() == 20
    assert customer_values(user=sales.executive).count() == 40
    alive = [v.p_alive for v in customer_values(user=sales.executive)]
    assert alive == sorted(alive)
    below = customer_values(user=sales.executive, filters={"alive_below": 0.5})
    assert below.count() and all(v.p_alive < 0.5 for v in below)


def test_the_page_lists_the_scope_with_the_probability(history, sales, client):
    value_refresh(today=TODAY)
    client.force_login(sales.manager)
    response = client.get("/churn/value/?alive_below=0.5")
    html = response.content.decode()
    assert response.status_code == 200
    names = {v.customer.name for v in customer_values(user=sales.manager, filters={"alive_below": 0.5})}
    assert names and all(name in html for name in names)
    assert "历史客户0有限公司" not in html  # the Shenzhen manager's


def test_the_customer_page_shows_the_customers_figures(history, sales, client):
    value_refresh(today=TODAY)
    regular = history[1]  # the manager's monthly buyer
    client.force_login(sales.manager)
    html = client.get(f"/customers/{regular.pk}/").content.decode()
    value = CustomerValue.objects.get(customer=regular)
    assert 'data-testid="customer-value"' in html
    assert f"{round(value.p_alive * 100)}%" in html
