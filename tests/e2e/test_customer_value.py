"""Customer value in a real browser, in zh-hans (SEG-4): after the weekly model refresh, a manager
opens 客户价值, sees the customers most at risk first with the probability beside the churn
warning, narrows the list to those below 50 %, and goes from the warned one to its warning.
Screenshots at 1280 and 390 width in /tmp/shots-churn/."""

import datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.churn.models import ChurnWarning
from crm.churn.scan import churn_scan
from crm.churn.value import value_refresh
from crm.customers.testing import make_customer
from crm.orders.testing import make_order, make_product
from crm.testing import make_user

SHOTS = Path("/tmp/shots-churn")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_manager_finds_the_customers_most_at_risk(org, login, page, live_server):
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋")
    other = make_user("other", role="manager", department=org.sales2, name="陈静")
    today = datetime.date.today()
    product = make_product()
    customers = []
    for index in range(36):  # regular buyers, and buyers who stopped ten months ago
        customer = make_customer(manager=manager if index % 2 else other, name=f"客户{index:02d}贸易有限公司")
        customers.append(customer)
        stopped = index % 3 == 0
        for n in range(8):
            days = (300 if stopped else 10 + index) + 30 * n
            make_order(customer, ordered_on=today - datetime.timedelta(days=days), lines=[(product, "1", "100")])
    churn_scan()
    assert value_refresh()["fitted"]
    warned = customers[3]  # the manager's, stopped: warned by the rule and at risk by the model

    login("manager")
    page.get_by_role("link", name="客户价值").first.click()
    expect(page.get_by_role("heading", name="客户价值")).to_be_visible()
    rows = page.get_by_test_id("value-row")
    expect(rows).to_have_count(18)  # only the manager's customers
    first_alive = int(rows.first.get_by_test_id("value-alive").inner_text().rstrip("%"))
    last_alive = int(rows.last.get_by_test_id("value-alive").inner_text().rstrip("%"))
    assert first_alive < 30 < last_alive  # most at risk first
    SHOTS.mkdir(exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 860})
        page.screenshot(path=str(SHOTS / f"value-list-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_label("仍活跃概率", exact=True).select_option("0.5")
    page.get_by_test_id("value-search").click()
    expect(rows).to_have_count(6)  # the manager's six who stopped
    for text in rows.get_by_test_id("value-alive").all_inner_texts():
        assert int(text.rstrip("%")) < 50
    rows.filter(has_text=warned.name).get_by_role("link", name="已预警").click()
    expect(page.get_by_test_id("warning-title")).to_have_text(warned.name)
    assert page.url.endswith(f"/churn/{ChurnWarning.objects.get(customer=warned).pk}/")
