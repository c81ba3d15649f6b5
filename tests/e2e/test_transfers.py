"""Transfer requests in a real browser, in zh-hans (CUS-8): a salesperson blocked by a duplicate
asks for the customer; the owner's supervisor sees it under 待审批 and approves it; a colleague
of the supervisor's region sees the request among the others of their scope, the customer's name
masked. Screenshots at desktop and phone width."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.customers.models import Customer
from crm.customers.services.transfers import transfer_request_create
from crm.customers.testing import make_customer
from crm.testing import make_user

SHOTS = Path("/tmp/shots")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_supervisor_approves_a_transfer_request_on_the_page(org, login, page, live_server):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    owner = make_user("owner", role="manager", department=org.sales1, name="周杰", superior=supervisor)
    asker = make_user("asker", role="manager", department=org.sales2, name="陈静")
    make_user("boss", role="executive", department=org.head, name="李总")
    customer = make_customer(manager=owner, name="上海华信网络科技有限公司")
    transfer_request_create(actor=asker, customer=customer, reason="客户已搬到深圳，由我跟进")

    login("asker")
    page.goto(f"{live_server.url}/customers/transfers/")
    mine = page.get_by_test_id("my-transfer")
    expect(mine).to_contain_text("上*")  # not hers to see yet: masked
    expect(mine).not_to_contain_text("华信")

    page.context.clear_cookies()
    login("supervisor")
    page.goto(f"{live_server.url}/customers/transfers/")
    request = page.get_by_test_id("transfer-to-decide")
    expect(request).to_contain_text("客户已搬到深圳")
    SHOTS.mkdir(exist_ok=True)
    for width in (1366, 390):
        page.set_viewport_size({"width": width, "height": 860})
        page.screenshot(path=str(SHOTS / f"transfers-{width}.png"), full_page=True)
    request.get_by_label("备注").fill("同意")
    request.get_by_role("button", name="审批").click()
    expect(page.get_by_test_id("transfer-to-decide")).to_have_count(0)
    assert Customer.objects.get(pk=customer.pk).manager == asker

    page.context.clear_cookies()
    login("boss")  # scope "all": the request is among the others
    page.goto(f"{live_server.url}/customers/transfers/")
    expect(page.get_by_test_id("other-transfer")).to_contain_text("上海华信网络科技有限公司")
