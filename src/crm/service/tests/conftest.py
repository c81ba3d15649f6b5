import pytest

from crm.customers.testing import make_customer
from crm.dictionary.models import DictionaryItem
from crm.dictionary.seeding import seed_items


@pytest.fixture
def agent(make_user, org):
    """A service agent 客服 at head office (sees every customer and service, assigns none)."""
    return make_user("agent", role="service", department=org.head, name="王客服")


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="上海浦江电子有限公司")


@pytest.fixture
def far_customer(sales):
    """A customer of the Shenzhen manager: outside the Shanghai people's scope."""
    return make_customer(manager=sales.other, name="深圳南山软件有限公司")


def service_type(value: str = "1") -> DictionaryItem:
    item = DictionaryItem.objects.filter(category="service_type", value=value).first()
    if item is None:  # a transactional (browser) test that ran before emptied the migrated picklists
        seed_items(DictionaryItem)
        item = DictionaryItem.objects.get(category="service_type", value=value)
    return item


def data(**changes) -> dict:
    request = "客户反映设备频繁死机，要求上门检修。"
    return {"type": service_type("3"), "summary": "设备故障投诉", "request": request, **changes}
