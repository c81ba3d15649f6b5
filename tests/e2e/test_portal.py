"""The customer self-service portal in a real browser, in zh-hans (SRV-8): the manager invites a
contact from the customer page, the contact opens the link, sets a password, submits a request;
staff assign and handle it; the contact sees it handled and gives feedback 4, so it is archived.
Then another customer's service is 404 and a staff page is refused. Screenshots at desktop and
phone width."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from crm.customers.testing import make_contact, make_customer
from crm.dictionary.selectors import items
from crm.service import services as service_services
from crm.service.models import Service
from crm.testing import make_user, screenshots

PASSWORD = "Kehu-2026-portal"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contact_follows_a_request_through_the_portal(org, login, page, live_server):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    other_manager = make_user("manager2", role="manager", department=org.sales2, name="王芳")
    customer = make_customer(manager=manager, name="上海浦江电子有限公司")
    make_contact(customer=customer, name="李娜", email="lina@pujiang.example")
    other = make_customer(manager=other_manager, name="深圳南山机械有限公司")
    foreign = service_services.service_create(
        actor=other_manager,
        customer=other,
        data={"type": items("service_type").first(), "summary": "别家的服务", "request": "别家的请求"},
    )

    from crm.knowledge.services import article_create, article_publish, article_update

    solution = "取出卡住的纸，清洁搓纸轮。"
    help_article = article_create(actor=supervisor, data={"title": "打印机卡纸怎么处理", "solution": solution})
    help_article = article_update(actor=supervisor, article=help_article, data={"is_public": True})
    article_publish(actor=supervisor, article=help_article)

    login("manager")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_role("tab", name="自助门户").click()
    section = page.get_by_test_id("portal-section")
    section.get_by_test_id("portal-invite").click()
    link_box = page.get_by_test_id("portal-invite-link")
    expect(link_box).to_be_visible()
    screenshots(page, "portal-invite")
    link = link_box.input_value()
    assert re.search(r"/portal/invitation/[^/]+/$", link)
    assert any(link in message.body for message in mail.outbox)

    page.context.clear_cookies()
    page.goto(link)
    expect(page.get_by_role("heading", name=re.compile("李娜"))).to_be_visible()
    screenshots(page, "portal-accept")
    page.get_by_label("新密码").fill(PASSWORD)
    page.get_by_label("再输入一次密码").fill(PASSWORD)
    page.get_by_test_id("portal-accept").click()
    expect(page.get_by_test_id("portal-empty")).to_be_visible()

    page.get_by_test_id("portal-articles").click()  # the public help articles first (SRV-7, SRV-8)
    page.get_by_test_id("portal-article-search").fill("卡纸")
    page.get_by_test_id("portal-article-search").press("Enter")
    page.get_by_test_id("portal-article").filter(has_text="打印机卡纸怎么处理").click()
    expect(page.get_by_test_id("portal-article-solution")).to_contain_text("清洁搓纸轮")
    screenshots(page, "portal-article")

    page.get_by_test_id("portal-new-request").click()
    form = page.get_by_test_id("portal-request-form")
    form.get_by_label("类型").select_option(label="投诉")
    form.get_by_label("概要").fill("打印机频繁卡纸")
    form.get_by_label("您的请求").fill("三楼的打印机每天卡纸好几次，请派人检修。")
    screenshots(page, "portal-request")
    form.get_by_test_id("portal-request-submit").click()
    expect(page.get_by_test_id("portal-sent")).to_be_visible()
    service = Service.objects.get(customer=customer)
    assert service.status == "new" and service.created_by == manager
    expect(page.get_by_test_id("portal-status")).to_have_text("已受理")

    # Staff side, through the service app's own services.
    service_services.service_assign(actor=supervisor, service=service, assignee=manager)
    service_services.service_handle(actor=manager, service=service, handling="上门更换了搓纸轮。")

    page.goto(f"{live_server.url}/portal/")
    row = page.get_by_test_id("portal-service").filter(has_text="打印机频繁卡纸")
    expect(row.get_by_test_id("portal-status")).to_have_text("已处理，待您评价")
    screenshots(page, "portal-home")
    row.click()
    expect(page.get_by_test_id("portal-round")).to_contain_text("上门更换了搓纸轮。")
    feedback = page.get_by_test_id("portal-feedback-form")
    feedback.get_by_label("处理效果如何？").fill("已经不卡纸了。")
    feedback.get_by_label("4 · 满意").check()
    screenshots(page, "portal-feedback")
    feedback.get_by_test_id("portal-feedback-submit").click()
    expect(page.get_by_test_id("portal-thanked")).to_be_visible()
    expect(page.get_by_test_id("portal-status")).to_have_text("已完结")
    service.refresh_from_db()
    assert service.status == "archived" and service.satisfaction == 4
    screenshots(page, "portal-detail")

    response = page.goto(f"{live_server.url}/portal/services/{foreign.pk}/")
    assert response.status == 404
    expect(page.get_by_test_id("portal-not-found")).to_be_visible()
    page.goto(f"{live_server.url}/customers/")
    assert "/login/" in page.url and "/portal/" not in page.url
    expect(page.get_by_text("上海浦江电子有限公司")).to_have_count(0)
