import pytest

from crm.customers.testing import make_customer


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="上海浦江电子有限公司")


@pytest.fixture
def far_customer(sales):
    """A customer of the Shenzhen manager: outside the Shanghai people's scope."""
    return make_customer(manager=sales.other, name="深圳南山软件有限公司")
