"""Customer management in a real browser, in zh-hans (issue 3): create a customer and be warned of
a duplicate typed with another suffix and another phone format (CUS-8), add a contact (CUS-3) and
a follow-up (CUS-5), find it by pinyin initials, share it (CUS-6), hand it over (CUS-7), claim a
customer from the pool (CUS-13), merge two duplicates (CUS-9); screenshots at desktop and phone."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from crm.customers.models import Customer, FollowUp, Pool
from crm.customers.services.pool import customer_release
from crm.customers.testing import make_contact, make_customer, picklist
from crm.testing import make_user

SHOTS = Path("/tmp/shots")


@pytest.fixture
def team(transactional_db, org):
    supervisor = make_user("supervisor", role="supervisor", department=org.shanghai, name="张伟")
    manager = make_user("manager", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    colleague = make_user("zhoujie", role="manager", department=org.sales1, name="周杰", superior=supervisor)
    return {"supervisor": supervisor, "manager": manager, "colleague": colleague}


def _open_dialog_and_wait(page, button):
    button.click()
    expect(page.get_by_test_id("dialog-form")).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_create_with_a_duplicate_warning_then_contact_and_follow_up(team, login, page, live_server):
    make_customer(manager=team["colleague"], name="上海华信科技股份有限公司", phone="021-62345678")
    login("manager")
    page.locator("#sidebar").get_by_role("link", name="客户", exact=True).click()
    page.get_by_role("link", name="新建客户").click()
    page.get_by_label("客户名称").fill("华信科技（上海）有限公司")
    page.get_by_label("地区").select_option(label="华东")
    page.get_by_label("客户等级").select_option(label="大客户")
    page.get_by_label("电话").fill("(021) 6234 5678")
    page.get_by_label("电话").blur()
    live = page.locator("#duplicate-panel").get_by_test_id("duplicate")
    expect(live.first).to_contain_text("周杰")
    expect(live.first).to_contain_text("电话相同")

    page.get_by_test_id("save").click()
    expect(page.get_by_test_id("duplicates")).to_contain_text("可能重复")
    expect(page.get_by_test_id("duplicates")).to_contain_text("名称相同")
    assert Customer.objects.count() == 1
    page.get_by_role("button", name="仍然保存").click()
    expect(page.get_by_test_id("customer-name")).to_have_text("华信科技（上海）有限公司")
    expect(page.get_by_text(re.compile("已创建客户"))).to_be_visible()

    page.get_by_role("tab", name="联系人").click()
    _open_dialog_and_wait(page, page.get_by_test_id("add-contact"))
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("姓名").fill("王建华")
    dialog.get_by_label("女").check()
    dialog.get_by_label("职位").fill("采购经理")
    dialog.get_by_label("办公电话").fill("021-62345678")
    dialog.get_by_label("手机").fill("13916668888")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_text("已添加联系人。")).to_be_visible()
    expect(page.get_by_test_id("contact-row")).to_contain_text("王建华")
    expect(page.get_by_test_id("contact-row")).to_contain_text("139 1666 8888")

    page.get_by_test_id("customer-actions").get_by_role("button", name="跟进").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_be_visible()
    dialog.get_by_label(re.compile(r"^方式")).select_option(label="电话")
    dialog.get_by_label("内容").fill("电话沟通明年的采购计划")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_text(re.compile("已记录对"))).to_be_visible()
    page.get_by_role("tab", name="跟进记录").click()
    expect(page.get_by_test_id("followup").first).to_contain_text("电话沟通明年的采购计划")
    assert FollowUp.objects.filter(customer__name="华信科技（上海）有限公司").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_find_by_initials_share_and_hand_over(team, login, page, live_server):
    customer = make_customer(manager=team["manager"], name="北京科技发展有限公司", phone="010-82345678")
    make_contact(customer=customer, name="李明")
    login("manager")
    page.get_by_role("search").get_by_role("searchbox").first.fill("bjkj")
    page.keyboard.press("Enter")
    expect(page.get_by_test_id("search-results")).to_contain_text("北京科技发展有限公司")
    page.get_by_test_id("search-results").get_by_role("link", name=re.compile("北京科技发展有限公司")).click()

    page.get_by_role("button", name="更多").click()
    page.get_by_role("button", name="共享").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("共享给").select_option(label="周杰 · 销售一部")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_text("已共享。")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("share")).to_contain_text("周杰")

    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name=re.compile("退出登录")).click()
    login("supervisor")
    page.goto(f"{live_server.url}/customers/{customer.pk}/")
    page.get_by_role("button", name="更多").click()
    page.get_by_role("button", name="移交").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("新的客户经理").select_option(label="周杰 · 销售一部")
    dialog.get_by_label("备注").fill("调整片区")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_text("已移交。")).to_be_visible()
    page.reload()
    expect(page.get_by_test_id("manager")).to_contain_text("周杰")
    page.get_by_role("tab", name="时间线").click()
    expect(page.get_by_test_id("timeline")).to_contain_text("调整片区")
    customer.refresh_from_db()
    assert customer.manager == team["colleague"]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_claim_a_customer_from_the_pool(team, login, page, live_server):
    customer = make_customer(manager=team["colleague"], name="宁波港联物流有限公司")
    customer_release(actor=team["colleague"], customer=customer, reason="客户暂无需求")
    login("manager")
    page.locator("#sidebar").get_by_role("link", name="公海").click()
    row = page.get_by_test_id("pool-row").filter(has_text="宁波港联物流有限公司")
    expect(row).to_have_count(1)
    row.get_by_test_id("claim").click()
    expect(page.get_by_text("宁波港联物流有限公司 现在由你负责。")).to_be_visible()
    expect(page.get_by_test_id("manager")).to_contain_text("刘洋")
    customer.refresh_from_db()
    assert customer.manager == team["manager"] and customer.pool is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_merge_two_duplicates(team, login, page, live_server):
    kept = make_customer(manager=team["manager"], name="上海申通快递有限公司", phone="021-60376666")
    twin = make_customer(
        manager=team["manager"], name="申通快递股份有限公司", phone="021 6037 6666", address="上海市青浦区华新镇"
    )
    make_contact(customer=twin, name="陈德军")
    login("supervisor")
    page.locator("#sidebar").get_by_role("link", name="查重").click()
    group = page.get_by_test_id("duplicate-group").first
    expect(group).to_contain_text("上海申通快递有限公司")
    group.get_by_test_id("merge-group").click()
    page.get_by_label(f"保留 {kept.number}").check()
    page.get_by_label("上海市青浦区华新镇").check()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("merge-submit").click()
    expect(page.get_by_text(re.compile("已合并到 上海申通快递有限公司"))).to_be_visible()
    page.get_by_role("tab", name="联系人").click()
    expect(page.get_by_test_id("contact-row")).to_contain_text("陈德军")
    assert not Customer.objects.filter(pk=twin.pk).exists()
    kept.refresh_from_db()
    assert kept.address == "上海市青浦区华新镇"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_customer_pages_look_right_on_desktop_and_phone(team, login, page, live_server):
    SHOTS.mkdir(exist_ok=True)
    names = ["杭州远景网络科技有限公司", "苏州恒通机械股份有限公司", "南京达信物流有限公司", "成都天府软件园有限公司"]
    customers = [
        make_customer(manager=team["manager"], name=name, phone="0571-88886666", level=picklist("customer_level", "2"))
        for name in names
    ]
    make_contact(customer=customers[0], name="赵敏", mobile="13800001111")
    customer_release(actor=team["manager"], customer=customers[3], reason="整理")
    Pool.objects.update(reclaim_days=0)
    login("manager")
    for width in (1366, 375):
        page.set_viewport_size({"width": width, "height": 860})
        for name, path in [
            ("list", "/customers/"),
            ("detail", f"/customers/{customers[0].pk}/"),
            ("form", "/customers/new/"),
            ("pool", "/customers/pool/"),
        ]:
            page.goto(f"{live_server.url}{path}")
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, (name, width)
            page.screenshot(path=str(SHOTS / f"customers-{width}-{name}.png"), full_page=True)
