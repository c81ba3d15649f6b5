"""Customer service in a real browser, in zh-hans (s003/5 §3.3, SRV-1…SRV-5): an account manager
creates a service (and gets an empty form for the next), the supervisor assigns it, the manager
handles it, the customer is dissatisfied (2) so it comes back, is handled again, the customer is
satisfied (4) and the service is archived, then found in the archive search with both rounds.
Screenshots at desktop and phone width."""

import pytest
from playwright.sync_api import expect

from crm.customers.testing import make_customer
from crm.service.models import Service, ServiceRound
from crm.testing import make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_service_from_creation_to_the_archive(org, login, page, live_server):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    customer = make_customer(manager=manager, name="上海浦江电子有限公司")

    login("manager")
    page.get_by_role("link", name="服务创建").click()
    page.get_by_test_id("service-customer-search").fill("浦江")
    page.get_by_test_id("service-customer-search").press("Enter")
    page.get_by_test_id("customer-result").filter(has_text=customer.name).click()
    expect(page.get_by_test_id("service-customer")).to_have_text(customer.name)
    screenshots(page, "service-create")
    form = page.get_by_test_id("service-form")
    form.get_by_label("服务类型").select_option(label="投诉")
    form.get_by_label("服务请求").fill("客户反映设备每天死机两三次，要求上门检修。")
    form.get_by_test_id("service-save").click()
    expect(page.get_by_test_id("service-form").locator(".invalid-feedback")).to_have_count(1)  # the summary
    assert not Service.objects.exists()
    page.get_by_test_id("service-form").get_by_label("概要").fill("设备频繁死机")
    page.get_by_test_id("service-form").get_by_test_id("service-save").click()
    service = Service.objects.get()
    expect(page.locator(".alert-success, .toast, [role=alert]").filter(has_text=service.number).first).to_be_visible()
    expect(page.get_by_test_id("service-customer-search")).to_have_value("")  # an empty form for the next one
    screenshots(page, "service-create-next")

    page.context.clear_cookies()
    login("supervisor")
    page.get_by_role("link", name="服务分配").click()
    row = page.get_by_test_id("service-row").filter(has_text=service.number)
    expect(row).to_contain_text("新创建")
    screenshots(page, "service-assign-list")
    row.get_by_test_id("service-assign").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("分配给").select_option(label="刘洋 · 销售一部")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("service-row").filter(has_text=service.number)).to_have_count(0)

    page.context.clear_cookies()
    login("manager")

    def handle(text: str) -> None:
        page.get_by_role("link", name="服务处理").click()
        page.get_by_test_id("service-row").filter(has_text=service.number).get_by_test_id("service-handle").click()
        dialog = page.get_by_test_id("dialog-form")
        dialog.get_by_label("处理方法").fill(text)
        dialog.get_by_test_id("dialog-save").click()
        expect(page.get_by_test_id("service-row").filter(has_text=service.number)).to_have_count(0)

    def feedback(result: str, satisfaction: str) -> None:
        page.get_by_role("link", name="服务反馈").click()
        page.get_by_test_id("service-row").filter(has_text=service.number).get_by_test_id("service-feedback").click()
        dialog = page.get_by_test_id("dialog-form")
        dialog.get_by_label("处理结果").fill(result)
        dialog.get_by_label(satisfaction).check()
        screenshots(page, f"service-feedback-{satisfaction[0]}")
        dialog.get_by_test_id("dialog-save").click()
        expect(page.get_by_test_id("service-row").filter(has_text=service.number)).to_have_count(0)

    handle("远程重启并升级固件。")
    feedback("客户表示仍然死机。", "2 · 不满意")
    assert Service.objects.get().status == "assigned"
    page.get_by_role("link", name="服务处理").click()
    expect(page.get_by_test_id("service-row").filter(has_text=service.number)).to_contain_text("已分配")
    handle("上门更换主板。")
    feedback("客户确认问题已解决。", "4 · 满意")
    assert Service.objects.get().status == "archived"
    assert list(ServiceRound.objects.order_by("sequence").values_list("satisfaction", flat=True)) == [2, 4]

    page.get_by_role("link", name="服务归档").click()
    filters = page.get_by_test_id("archive-filters")
    filters.get_by_label("客户").fill("浦江")
    filters.get_by_label("服务类型").select_option(label="投诉")
    filters.get_by_test_id("archive-search").click()
    row = page.get_by_test_id("service-row").filter(has_text=service.number)
    expect(row).to_contain_text("已归档")
    screenshots(page, "service-archive")
    filters = page.get_by_test_id("archive-filters")
    filters.get_by_label("客户").fill("无此客户")
    filters.get_by_test_id("archive-search").click()
    expect(page.get_by_test_id("service-row")).to_have_count(0)
    page.go_back()
    page.get_by_role("link", name=service.number).click()
    expect(page.get_by_test_id("service-status")).to_have_text("已归档")
    expect(page.get_by_test_id("service-round")).to_have_count(2)
    expect(page.get_by_test_id("round-satisfaction")).to_have_text(["2 / 5", "4 / 5"])
    screenshots(page, "service-detail")
