"""Announcements and the know-how board (SADM-5) in a real browser, in zh-hans.

1. An administrator publishes an announcement to 上海分公司 in the dialog; a salesperson in 销售一部
   (below it) sees the banner on every page, opens the announcement, and the banner is gone; the
   administrator's receipts show one reader and the colleague who has not read it.
2. A salesperson shares a tip on the know-how board; a colleague finds it by a two-character word,
   opens it and likes it.
Screenshots at desktop and phone width in /tmp/shots/bulletin-*."""

import pytest
from playwright.sync_api import expect

from crm.bulletin.models import AnnouncementRead, Post, PostLike
from crm.testing import fits_the_phone, make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_announcement_is_read_and_its_banner_goes(org, login, page, live_server):
    make_user("admin", role="admin", department=org.head, name="系统管理员")
    reader = make_user("manager", role="manager", department=org.sales1, name="刘洋")
    make_user("colleague", role="manager", department=org.sales1, name="周杰")
    make_user("shenzhen", role="manager", department=org.sales2, name="陈静")

    login("admin")
    page.locator("#sidebar").get_by_role("link", name="通知公告").click()
    expect(page.get_by_role("heading", name="通知公告")).to_be_visible()
    page.get_by_test_id("announcement-create").click()
    dialog = page.get_by_test_id("dialog-form")
    expect(dialog).to_contain_text("发布公告")
    dialog.get_by_label("标题").fill("上海分公司季度销售会议")
    dialog.get_by_label("内容").fill("本周五 14:00 在 3 楼会议室召开季度销售会议。\n请准备本季度业绩回顾。")
    dialog.get_by_label("接收部门").select_option(str(org.shanghai.pk))
    screenshots(page, "bulletin-announcement-dialog")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("announcement-title")).to_have_text("上海分公司季度销售会议")
    expect(page.get_by_test_id("announcement-audience")).to_have_text("上海分公司")

    page.context.clear_cookies()
    login("manager")
    banner = page.get_by_test_id("announcement-banner")
    expect(banner).to_contain_text("上海分公司季度销售会议")
    screenshots(page, "bulletin-banner")
    fits_the_phone(page)
    page.locator("#sidebar").get_by_role("link", name="客户").first.click()
    expect(page.get_by_test_id("announcement-banner")).to_be_visible()  # on every page until read
    page.get_by_test_id("banner-link").first.click()
    expect(page.get_by_test_id("announcement-body")).to_contain_text("3 楼会议室")
    expect(page.get_by_test_id("announcement-banner")).to_have_count(0)
    screenshots(page, "bulletin-announcement")
    fits_the_phone(page)
    page.locator("#sidebar").get_by_role("link", name="工作台").click()
    expect(page.get_by_test_id("panel-announcements")).to_contain_text("上海分公司季度销售会议")
    expect(page.get_by_test_id("announcement-banner")).to_have_count(0)
    assert AnnouncementRead.objects.filter(user=reader).count() == 1

    page.context.clear_cookies()
    login("shenzhen")
    expect(page.get_by_test_id("announcement-banner")).to_have_count(0)

    page.context.clear_cookies()
    login("admin")
    page.locator("#sidebar").get_by_role("link", name="通知公告").click()
    screenshots(page, "bulletin-announcements")
    fits_the_phone(page)
    page.get_by_test_id("announcement-row").first.click()
    expect(page.get_by_test_id("receipt-summary")).to_have_text("1 / 2")
    page.get_by_test_id("announcement-receipts").click()
    expect(page.get_by_test_id("count-read")).to_have_text("1")
    expect(page.get_by_test_id("count-unread")).to_have_text("1")
    expect(page.get_by_test_id("receipt-row")).to_have_text(["周杰销售一部"])
    page.get_by_test_id("tab-read").click()
    expect(page.get_by_test_id("receipt-row")).to_have_count(1)
    expect(page.get_by_test_id("receipt-row")).to_contain_text(["刘洋"])
    screenshots(page, "bulletin-receipts")
    fits_the_phone(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_tip_is_posted_found_and_liked(org, login, page, live_server):
    make_user("manager", role="manager", department=org.sales1, name="刘洋")
    colleague = make_user("colleague", role="manager", department=org.sales2, name="陈静")

    login("manager")
    page.locator("#sidebar").get_by_role("link", name="销售经验").click()
    expect(page.get_by_role("heading", name="销售经验")).to_be_visible()
    page.get_by_test_id("post-create").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("标题").fill("大客户报价前先摸清采购流程")
    dialog.get_by_label("内容").fill("先问清楚是招标还是比价、谁拍板、预算在哪个季度；报价单分基础版和增值版两档。")
    dialog.get_by_label("标签").fill("报价，大客户")
    screenshots(page, "bulletin-post-dialog")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("post-title")).to_have_text("大客户报价前先摸清采购流程")

    page.context.clear_cookies()
    login("colleague")
    page.locator("#sidebar").get_by_role("link", name="销售经验").click()
    page.get_by_test_id("post-filters").get_by_role("searchbox").fill("招标")
    page.get_by_test_id("post-search").click()
    rows = page.get_by_test_id("post-row")
    expect(rows).to_have_count(1)
    screenshots(page, "bulletin-posts")
    fits_the_phone(page)
    rows.first.get_by_test_id("post-link").click()
    like = page.get_by_test_id("like").first
    expect(like).to_contain_text("点赞 0")
    like.click()
    expect(page.get_by_test_id("like").first).to_contain_text("已赞 1")
    page.get_by_test_id("answer-form").get_by_label("您的回答").fill("很实用，招标项目还要提前拿评分细则。")
    page.get_by_test_id("answer-submit").click()
    expect(page.get_by_test_id("answer")).to_contain_text(["很实用"])
    screenshots(page, "bulletin-post")
    fits_the_phone(page)
    post = Post.objects.get()
    assert post.like_count == 1 and PostLike.objects.filter(post=post, user=colleague).exists()
    assert post.answer_count == 1
