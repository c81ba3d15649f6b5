import datetime

import pytest

from crm.churn.scan import churn_scan
from crm.customers.testing import make_customer
from crm.orders.testing import make_order

TODAY = datetime.date(2026, 8, 31)
OLD = datetime.date(2025, 12, 1)  # nine months before TODAY


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="上海浦江电子有限公司")


@pytest.fixture
def far_customer(sales):
    """A customer of the Shenzhen manager: outside the Shanghai managers' scope."""
    return make_customer(manager=sales.other, name="深圳南山软件有限公司")


def warned(customer, *, ordered_on=OLD):
    """The customer with one old shipped order, warned by a scan on TODAY; its warning."""
    make_order(customer, ordered_on=ordered_on)
    churn_scan(today=TODAY)
    return customer.churn_warnings.get()
