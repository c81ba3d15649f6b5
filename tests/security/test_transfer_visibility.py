"""Transfer requests (CUS-8) are seen by one rule, the engine's, on the page and in the API alike:
the requester and the approver see theirs, a scope reaching either of them sees it too."""

import re

import pytest
from django.urls import reverse

from crm.customers.services.transfers import transfer_request_create
from crm.customers.testing import make_customer

EXPECTED = {
    "manager": {"a"},  # asked for it
    "colleague": set(),  # owns the customer, but neither asks nor decides
    "supervisor": {"a", "b"},  # decides both
    "other": {"b"},  # asked for it
    "executive": {"a", "b"},  # scope "all"
}


@pytest.fixture
def requests(sales):
    wanted = make_customer(manager=sales.colleague, name="上海远景贸易有限公司")
    mine = make_customer(manager=sales.manager, name="上海华信网络科技有限公司")
    return {
        "a": transfer_request_create(actor=sales.manager, customer=wanted, reason="一直在跟进"),
        "b": transfer_request_create(actor=sales.other, customer=mine, reason="客户搬到深圳"),
    }


@pytest.mark.parametrize("who", sorted(EXPECTED))
def test_the_page_and_the_api_show_the_same_requests(client, sales, requests, who):
    client.force_login(getattr(sales, who))
    expected = {requests[key].pk for key in EXPECTED[who]}
    page = client.get(reverse("customers:transfers")).content.decode()
    assert {int(pk) for pk in re.findall(r'data-transfer="(\d+)"', page)} == expected
    api = client.get("/api/v1/customer-transfer-requests/").json()
    assert {row["id"] for row in api["results"]} == expected
    for key, request in requests.items():
        status = client.get(f"/api/v1/customer-transfer-requests/{request.pk}/").status_code
        assert status == (200 if key in EXPECTED[who] else 404), key
