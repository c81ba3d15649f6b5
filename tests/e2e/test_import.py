"""Importing customers in a real browser, in zh-hans (IMP-1): a sales supervisor uploads an Excel
file with a title row, merged headers and a bad row, checks the automatic column mapping, fixes
one column by hand, previews the rows as they will be stored, imports, and downloads the rejected
row to fix it. Screenshots at 1366 and 375 px."""

import io
import re
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from playwright.sync_api import expect

from crm.customers.models import Customer

SHOTS = Path("/tmp/shots")


def _workbook(path: Path) -> Path:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "客户"
    rows = [
        ["2026 年新客户名单", None, None, None, None, None],
        ["客户名称", "联系方式", None, "地区", "客户等级", "经办人"],
        [None, "电话", "邮箱", None, None, None],
        ["上海华信科技有限公司", "021-62345678", "info@huaxin.cn", "华东", "大客户", "刘洋"],
        ["杭州远景网络有限公司", "0571 8888 1111", None, "华东", "普通客户", "刘洋"],
        [None, None, None, None, None, None],
        ["苏州恒通机械有限公司", "12345", None, "华东", "合作伙伴", "刘洋"],
    ]
    for row in rows:
        sheet.append(row)
    for merged in ("A1:F1", "A2:A3", "B2:C2", "D2:D3", "E2:E3", "F2:F3"):
        sheet.merge_cells(merged)
    workbook.save(path)
    return path


def _no_horizontal_overflow(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def _shots(page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 860})
    page.screenshot(path=SHOTS / f"import-{name}-1366.png", full_page=True)
    page.set_viewport_size({"width": 375, "height": 812})
    page.screenshot(path=SHOTS / f"import-{name}-375.png", full_page=True)
    assert _no_horizontal_overflow(page), f"{name}: the page is wider than a phone"
    page.set_viewport_size({"width": 1366, "height": 860})


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_uploads_maps_previews_imports_and_downloads_the_rejects(
    org, make_user, login, page, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path / "media"
    make_user("sup", role="supervisor", department=org.shanghai, name="张主管")
    make_user("mgr", role="manager", department=org.sales1, name="刘洋")
    login("sup")

    page.locator("#sidebar").get_by_role("link", name="导入", exact=True).click()
    expect(page.get_by_role("heading", name="导入数据")).to_be_visible()
    page.get_by_label(re.compile(r"^导入内容")).select_option(label="客户")
    page.get_by_label(re.compile(r"^文件")).set_input_files(str(_workbook(tmp_path / "新客户名单.xlsx")))
    _shots(page, "upload")
    page.get_by_role("button", name="上传并对应列").click()

    # The mapping: found through the merged two-row header; 经办人 is not a known header.
    expect(page.get_by_role("heading", name="对应列")).to_be_visible()
    expect(page.get_by_test_id("file-facts")).to_contain_text("标题在第 3 行")
    columns = page.get_by_role("region", name="每一列导入到哪个字段")

    def column(header: str):
        return columns.get_by_label(header, exact=True)

    expect(column("客户名称")).to_have_value("name")
    expect(column("电话")).to_have_value("phone")
    expect(column("客户等级")).to_have_value("level")
    manager_column = column("经办人")
    expect(manager_column).to_have_value("")
    manager_column.select_option("manager")  # by hand: 经办人 is the account manager
    page.get_by_label("跳过该行").check()
    page.get_by_label("将此列对应保存为").fill("新客户名单")
    _shots(page, "mapping")
    page.get_by_role("button", name="下一步：预览").click()

    # The preview: the rows as they will be stored; nothing saved yet.
    expect(page.get_by_role("heading", name="预览")).to_be_visible()
    expect(page.get_by_text("已保存列对应“新客户名单”。")).to_be_visible()
    table = page.get_by_test_id("preview-table")
    expect(table.locator('tr[data-row="4"]')).to_contain_text("021-62345678")
    expect(table.locator('tr[data-row="5"]')).to_contain_text("0571-88881111")  # stored in the standard form
    expect(table.locator('tr[data-row="7"][data-outcome="rejected"]')).to_contain_text("苏州恒通机械有限公司")
    expect(page.get_by_test_id("row-message")).to_contain_text("请输入有效的电话号码")
    assert Customer.objects.count() == 0
    _shots(page, "preview")
    page.get_by_role("button", name="开始导入").click()

    # The result: two customers in, one row rejected with its reason, ready to download.
    expect(page.get_by_test_id("progress")).to_have_attribute("data-status", "succeeded")
    counts = page.get_by_test_id("counts")
    expect(counts.locator('[data-count="created"]')).to_have_text("2")
    expect(counts.locator('[data-count="rejected"]')).to_have_text("1")
    expect(page.get_by_test_id("issues")).to_contain_text("请输入有效的电话号码")
    _shots(page, "result")
    assert set(Customer.objects.values_list("name", "manager__name")) == {
        ("上海华信科技有限公司", "刘洋"),
        ("杭州远景网络有限公司", "刘洋"),
    }

    with page.expect_download() as download_info:
        page.get_by_test_id("download-rejects").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(Path(download.path()).read_bytes())).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("客户名称", "电话", "邮箱", "地区", "客户等级", "经办人", "错误")
    assert rows[1][:6] == ("苏州恒通机械有限公司", "12345", None, "华东", "合作伙伴", "刘洋") or rows[1][:2] == (
        "苏州恒通机械有限公司",
        "12345",
    )
    assert "请输入有效的电话号码" in rows[1][6]

    # The imports list remembers it; the saved mapping is offered next time.
    page.get_by_role("link", name="导入另一个文件").click()
    expect(page.get_by_test_id("import-list")).to_contain_text("新客户名单.xlsx")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_duplicates_wait_for_a_decision_and_cleaning_fixes_phones(
    org, make_user, login, page, live_server, tmp_path, settings
):
    from crm.customers.testing import make_customer

    settings.MEDIA_ROOT = tmp_path / "media"
    supervisor = make_user("sup", role="supervisor", department=org.shanghai, name="张主管")
    manager = make_user("mgr", role="manager", department=org.sales1, name="刘洋")
    existing = make_customer(manager=manager, name="上海华信科技股份有限公司", phone="021-62345678")
    Customer.objects.filter(pk=existing.pk).update(fax="02162345679")  # as an old system left it
    path = tmp_path / "客户.csv"
    path.write_bytes(
        "客户名称,地区,客户等级,客户经理,电话\r\n华信科技（上海）有限公司,华东,大客户,刘洋,(021) 6234 5678\r\n"
        "杭州远景网络有限公司,华东,普通客户,刘洋,0571-88881111\r\n".encode("gbk")
    )
    login("sup")
    page.goto(f"{live_server.url}/data/imports/")
    page.get_by_label(re.compile(r"^文件")).set_input_files(str(path))
    page.get_by_role("button", name="上传并对应列").click()
    expect(page.get_by_test_id("file-facts")).to_contain_text("GBK")
    page.get_by_label("逐行询问我").check()
    page.get_by_role("button", name="下一步：预览").click()
    expect(page.get_by_test_id("preview-table").locator('tr[data-row="2"]')).to_have_attribute(
        "data-outcome", "waiting"
    )
    page.get_by_role("button", name="开始导入").click()

    expect(page.get_by_test_id("progress")).to_have_attribute("data-status", "waiting")
    decide = page.get_by_test_id("decide-form")
    expect(decide).to_contain_text(existing.number)
    _shots(page, "waiting")
    decide.get_by_role("button", name="全部更新").click()
    expect(page.get_by_test_id("progress")).to_have_attribute("data-status", "succeeded")
    expect(page.get_by_test_id("counts").locator('[data-count="updated"]')).to_have_text("1")
    existing.refresh_from_db()
    assert existing.level.entry == "大客户" and existing.manager == manager

    page.locator("#sidebar").get_by_role("link", name="数据清洗").click()
    expect(page.get_by_role("heading", name="数据清洗")).to_be_visible()
    expect(page.get_by_test_id("findings").locator('[data-finding="customer.fax"] [data-count]')).to_have_text("1")
    _shots(page, "cleaning")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("fix-phones").click()
    expect(page.get_by_text("已将 1 个电话号码改为标准格式。")).to_be_visible()
    existing.refresh_from_db()
    assert existing.fax == "021-62345679"

    page.locator("#sidebar").get_by_role("link", name="导出文件").click()
    expect(page.get_by_role("heading", name="导出文件")).to_be_visible()
    _shots(page, "exports")
    assert supervisor.pk
