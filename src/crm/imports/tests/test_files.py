"""Real files in (IMP-1): what Excel and WPS write in China, XLSX with merged headers and empty
rows, files over the size limit and files that are no spreadsheet at all."""

import io
import zipfile

import pytest
from django.utils import translation

from crm.core.errors import TooLarge, ValidationFailed
from crm.customers.models import Customer
from crm.imports import parsing
from crm.imports.models import ImportStatus
from crm.imports.services import lifecycle as service
from crm.imports.tests.conftest import HEADER, Upload, credit_code, csv_bytes, run_import, xlsx_bytes

ROWS = [
    ["上海华信科技有限公司", "华东", "大客户", "刘洋", "021-62345678", "info@huaxin.cn", credit_code(1), "老客户"],
    ["深圳前海微众电子有限公司", "华南", "普通客户", "mgr", "13812345678", "", "", ""],
    ["北京远景贸易有限公司", "华北", "合作伙伴", "sup", "(010) 8234 5678", "", "", "展会认识"],
]


def excel_gbk_csv(rows) -> bytes:
    """What Excel on Chinese Windows writes for “CSV (逗号分隔)”: GBK, CRLF, no BOM, and the
    title row of the sheet with its trailing commas."""
    text = "客户资料（2026）,,,,,,,\r\n" + "".join(",".join(row) + "\r\n" for row in [HEADER, *rows])
    return text.encode("gbk")


def test_a_gbk_csv_written_by_excel_is_read_with_its_header_found(sales):
    content = excel_gbk_csv(ROWS)
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    job = run_import(sales.supervisor, content, "客户资料.csv")
    assert (job.encoding, job.header_row, job.status) == ("gb18030", 2, ImportStatus.SUCCEEDED)
    assert (job.created_count, job.rejected_count) == (3, 0)
    stored = {c.name: c for c in Customer.objects.select_related("manager", "level")}
    assert stored["上海华信科技有限公司"].level.entry == "大客户"
    assert stored["上海华信科技有限公司"].manager == sales.manager  # by name 刘洋
    assert stored["深圳前海微众电子有限公司"].manager == sales.manager  # by username mgr
    assert stored["北京远景贸易有限公司"].phone == "010-82345678"  # stored in the standard form
    assert stored["深圳前海微众电子有限公司"].phone == "138 1234 5678"


@pytest.mark.parametrize(
    ("encoding", "delimiter", "expected"),
    [("utf-8-sig", ",", "utf-8-sig"), ("utf-8", ",", "utf-8"), ("gb18030", "\t", "gb18030"), ("utf-8", ";", "utf-8")],
)
def test_utf8_with_and_without_bom_and_other_delimiters(sales, encoding, delimiter, expected):
    job = run_import(sales.supervisor, csv_bytes([HEADER, *ROWS], encoding, delimiter), "customers.csv")
    assert (job.encoding, job.delimiter, job.created_count) == (expected, delimiter, 3)


def test_an_xlsx_with_merged_header_cells_empty_rows_and_merged_values(sales):
    rows = [
        ["2026 年客户名单", None, None, None, None],
        ["客户名称", "联系方式", None, "地区", "客户等级"],
        [None, "电话", "邮箱", None, None],
        ["杭州恒通机械有限公司", "0571-88886666", "hr@hengtong.cn", "华东", "大客户"],
        ["苏州恒达物流有限公司", 13912345678, None, "华东", None],
        [None, None, None, None, None],
        ["南京达信电子有限公司", "025-84445555", None, "华东", "普通客户"],
        [],
        ["合肥新远科技有限公司", None, "sale@xinyuan.cn", "华东", "合作伙伴"],
    ]
    merges = ["A1:E1", "A2:A3", "B2:C2", "D2:D3", "E2:E3", "E4:E5"]
    content = xlsx_bytes(rows, merges)
    job = service.import_create(actor=sales.supervisor, record_type="customers", upload=Upload(content, "名单.xlsx"))
    assert (job.sheet, job.header_row, job.data_start) == ("客户", 3, 4)
    assert job.headers == ["客户名称", "电话", "邮箱", "地区", "客户等级"]
    assert job.mapping == {"0": "name", "1": "phone", "2": "email", "3": "region", "4": "level"}
    job = service.import_map(actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults)
    job = service.import_start(actor=sales.supervisor, job=job)
    assert (job.created_count, job.rejected_count, job.total_rows) == (4, 0, 4)  # empty rows skipped, not counted
    hengda = Customer.objects.get(name="苏州恒达物流有限公司")
    assert hengda.level.entry == "大客户"  # E4:E5 merged: the value of the merged cell
    assert hengda.phone == "139 1234 5678"  # a number cell, read without a trailing .0


def test_five_percent_bad_rows_are_rejected_with_reasons_and_the_rest_imported(sales, media):
    good = [[f"测试{i:03d}科技有限公司", "华东", "普通客户", "刘洋", f"021-6{i:07d}", "", "", ""] for i in range(190)]
    bad = [
        ["", "华东", "普通客户", "刘洋", "", "", "", "缺名称"],
        ["坏电话一号有限公司", "华东", "普通客户", "刘洋", "12345", "", "", ""],
        ["坏邮箱贸易有限公司", "华东", "普通客户", "刘洋", "", "not-an-email", "", ""],
        ["未知等级有限公司", "华东", "钻石客户", "刘洋", "", "", "", ""],
        ["未知地区有限公司", "火星", "普通客户", "刘洋", "", "", "", ""],
        ["坏代码实业有限公司", "华东", "普通客户", "刘洋", "", "", "91310000600037341X", ""],
        ["无名经理有限公司", "华东", "普通客户", "王不存在", "", "", "", ""],
        ["外区经理有限公司", "华东", "普通客户", "陈静", "", "", "", ""],  # 深圳: outside the supervisor's scope
        ["有限公司", "华东", "普通客户", "刘洋", "", "", "", ""],  # only a legal form
        ["超长备注有限公司", "华东", "普通客户", "刘洋", "", "", "", "备" * 5001],
    ]
    rows = good[:95] + bad + good[95:]
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes([HEADER, *rows]), "名单.csv")
    assert (job.created_count, job.rejected_count, job.status) == (190, 10, ImportStatus.SUCCEEDED)
    reasons = {issue.row_number: issue.message for issue in job.issues.all()}
    assert sorted(reasons) == list(range(97, 107))  # header is row 1: the bad rows are 97…106
    assert "Customer name" in reasons[97] and "required" in reasons[97]
    assert "Enter a valid phone number" in reasons[98]
    assert "valid e-mail" in reasons[99]
    assert "“钻石客户” is not in the dictionary" in reasons[100] and "普通客户" in reasons[100]
    assert "“火星”" in reasons[101]
    assert "unified social credit code" in reasons[102]
    assert "王不存在" in reasons[103]
    assert "陈静" in reasons[104] and "data scope" in reasons[104]
    assert "legal form" in reasons[105]
    assert "5000" in reasons[106]
    assert not Customer.objects.filter(name__in=[row[0] for row in bad]).exists()

    # The rejects file: the same format, the header, the rejected rows as they were, a reason column.
    rejects = job.rejects.open("rb").read()
    text = rejects.decode("utf-8-sig")
    lines = list(parsing.csv.reader(io.StringIO(text)))
    assert lines[0] == [*HEADER, "Error"]
    assert [line[:8] for line in lines[1:]] == bad
    assert lines[2][8] == reasons[98]

    # Fixed and imported again, the rejected rows come in.
    fixed = [[*line[:8]] for line in lines[1:]]
    fixed[0][0], fixed[1][4], fixed[2][5], fixed[3][2], fixed[4][1] = (
        "补名称有限公司",
        "021-64445555",
        "a@b.cn",
        "大客户",
        "华南",
    )
    fixed[5][6], fixed[6][3], fixed[7][3], fixed[8][0], fixed[9][7] = (
        credit_code(9),
        "mgr",
        "mgr_b",
        "有限公司甲乙丙",
        "短",
    )
    again = run_import(sales.supervisor, csv_bytes([HEADER, *fixed]), "名单-rejected.csv")
    assert (again.created_count, again.rejected_count) == (10, 0)


def test_reasons_follow_the_users_language(sales):
    rows = [HEADER, ["", "华东", "普通客户", "刘洋", "", "", "", ""]]
    with translation.override("zh-hans"):
        job = run_import(sales.supervisor, csv_bytes(rows), "a.csv")
    assert job.issues.get().message == "客户名称：此字段为必填项。"  # the label and Django's own zh-hans message
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows), "a.csv")
    assert "This field is required." in job.issues.get().message


def test_a_file_over_the_size_limit_is_refused_with_413(sales, settings):
    settings.CRM_UPLOAD_MAX_BYTES = 2000
    content = csv_bytes([HEADER, *ROWS * 20])
    with translation.override("en"), pytest.raises(TooLarge) as caught:
        service.import_create(actor=sales.supervisor, record_type="customers", upload=Upload(content, "big.csv"))
    assert caught.value.status == 413
    assert "at most 2.0" in str(caught.value.message)


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "photo.csv", "does not match its name"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "report.xlsx", "does not match its name"),
        (_docx(), "letter.xlsx", "not an Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old.xls", "97"),
        (b"MZ\x90\x00\x03\x00\x00\x00", "setup.exe", "cannot be uploaded"),
        (b"", "empty.csv", "empty"),
    ],
)
def test_a_file_that_is_no_spreadsheet_gets_a_clear_message(sales, media, content, name, message):
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        service.import_create(actor=sales.supervisor, record_type="customers", upload=Upload(content, name))
    assert message in str(caught.value.message)
    assert caught.value.status == 400
    assert not any(path.is_file() for path in media.rglob("*")) if media.exists() else True


def test_header_matching_ignores_width_case_asterisks_and_required_marks(sales):
    header = ["客户名称*", "ＥＭＡＩＬ", "Customer Level", "地区（必填）", "Account manager", "电  话"]
    rows = [header, ["上海华信科技有限公司", "a@b.cn", "大客户", "华东", "mgr", "021-62345678"]]
    job = service.import_create(
        actor=sales.supervisor, record_type="customers", upload=Upload(csv_bytes(rows), "x.csv")
    )
    assert job.mapping == {"0": "name", "1": "email", "2": "level", "3": "region", "4": "manager", "5": "phone"}
