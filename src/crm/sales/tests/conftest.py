import datetime
from decimal import Decimal

import pytest

from crm.customers.services.contracts import contract_create
from crm.customers.testing import make_customer

TODAY = datetime.date(2026, 12, 4)
CREDIT_CODE = "91310000MA1FL8TQ5C"  # a valid 统一社会信用代码 (check character included)


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="上海浦江电子有限公司")


@pytest.fixture
def contract(sales, customer):
    return contract_create(
        actor=sales.manager, customer=customer,
        data={"title": "年度服务合同", "amount": Decimal("100000"), "signed_on": datetime.date(2026, 11, 30)}
    )
