"""Duplicates in imports (IMP-1, CUS-8): the policy per import (skip, update, create anyway, ask),
matched against the database and between the rows of the same file by the customers' duplicate
rules, set-based (a fixed number of queries per batch), a "block" rule never overridden."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from crm.customers.models import Customer, CustomerKey
from crm.customers.testing import make_customer
from crm.imports.models import ImportStatus, IssueKind
from crm.imports.services import lifecycle as service
from crm.imports.services import run
from crm.imports.tests.conftest import HEADER, Upload, credit_code, csv_bytes, run_import

C1, C2 = credit_code(101), credit_code(102)


@pytest.fixture
def existing(sales):
    """A: a colleague's customer inside the supervisor's scope; B: a 深圳 customer outside it."""

    class Existing:
        a = make_customer(manager=sales.colleague, name="上海华信科技股份有限公司", phone="021-62345678")
        b = make_customer(manager=sales.other, name="深圳腾飞电子有限公司", credit_code=C1)

    return Existing


def rows():
    return [
        HEADER,
        [
            "华信科技（上海）有限公司",
            "华东",
            "大客户",
            "刘洋",
            "(021) 6234 5678",
            "",
            "",
            "第一行",
        ],  # = A (name, phone)
        ["腾飞电子", "华南", "普通客户", "刘洋", "", "", C1, ""],  # = B by credit code (block), outside scope
        ["杭州新远网络有限公司", "华东", "普通客户", "刘洋", "0571-88881111", "", "", ""],  # new
        [
            "新远网络（杭州）有限公司",
            "华东",
            "普通客户",
            "刘洋",
            "0571 8888 1111",
            "",
            "",
            "重复",
        ],  # = row 4 of the file
        ["宁波海达有限公司", "华东", "普通客户", "刘洋", "", "", C2, ""],  # new
        ["宁波海达贸易有限公司", "华东", "普通客户", "刘洋", "", "", C2, ""],  # = row 6 by credit code (block)
    ]


def _messages(job) -> dict:
    return {issue.row_number: issue.message for issue in job.issues.all()}


def test_skip_leaves_duplicates_of_the_database_and_of_earlier_rows_out(sales, existing):
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows()), "dups.csv", policy="skip")
    assert (job.created_count, job.skipped_count, job.rejected_count) == (2, 4, 0)
    assert set(Customer.objects.values_list("name", flat=True)) == {
        "上海华信科技股份有限公司",
        "深圳腾飞电子有限公司",
        "杭州新远网络有限公司",
        "宁波海达有限公司",
    }
    existing.a.refresh_from_db()
    assert existing.a.name == "上海华信科技股份有限公司"  # untouched


def test_create_anyway_creates_warned_duplicates_but_never_blocked_ones(sales, existing):
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows()), "dups.csv", policy="create")
    assert (job.created_count, job.rejected_count) == (4, 2)
    reasons = _messages(job)
    assert sorted(reasons) == [3, 7]
    assert "block" in reasons[3] and "腾飞" not in reasons[3]  # outside the scope: the name is masked
    assert "陈静" in reasons[3]  # but the owner is named, so the importer can ask for a transfer
    assert "row 6 of this file" in reasons[7]
    assert Customer.objects.filter(credit_code=C2).count() == 1
    assert Customer.objects.filter(name_key="华信科技").count() == 2


def test_update_writes_into_the_matching_record_and_into_rows_created_earlier_in_the_file(sales, existing):
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows()), "dups.csv", policy="update")
    assert (job.created_count, job.updated_count, job.rejected_count) == (2, 3, 1)
    existing.a.refresh_from_db()
    assert existing.a.notes == "第一行" and existing.a.level.entry == "大客户"
    assert existing.a.manager == sales.colleague  # the manager changes by handover, not by import
    assert "You may not edit" in _messages(job)[3]
    xinyuan = Customer.objects.get(phone="0571-88881111")
    assert xinyuan.name == "新远网络（杭州）有限公司" and xinyuan.notes == "重复"  # row 5 laid over row 4
    assert CustomerKey.objects.filter(customer=xinyuan, kind="name").get().value == "新远网络"
    assert Customer.objects.filter(credit_code=C2).count() == 1


def test_ask_lets_the_user_decide_row_by_row_or_for_all(sales, existing):
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows()), "dups.csv", policy="ask")
    assert (job.status, job.created_count, job.waiting_count) == (ImportStatus.WAITING, 2, 4)
    waiting = {issue.row_number: issue for issue in job.issues.filter(kind=IssueKind.DUPLICATE)}
    assert sorted(waiting) == [2, 3, 5, 7]
    match = waiting[2].matches[0]
    assert match["number"] == existing.a.number and match["visible"] is True
    assert waiting[3].matches[0]["visible"] is False and "name" in waiting[3].matches[0]
    assert waiting[3].matches[0]["mode"] == "block"
    assert waiting[7].matches[0]["row"] == 6
    # Row 2 updates A, the rest are created where the rules allow.
    job = service.import_decide(actor=sales.supervisor, job=job, decisions={str(waiting[2].row_index): "update"})
    assert (job.status, job.updated_count, job.waiting_count) == (ImportStatus.WAITING, 1, 3)
    job = service.import_decide(actor=sales.supervisor, job=job, everything="create")
    assert (job.status, job.created_count, job.rejected_count, job.waiting_count) == (ImportStatus.SUCCEEDED, 3, 2, 0)
    assert Customer.objects.filter(phone="0571-88881111").count() == 2  # warned only: created on request
    assert Customer.objects.filter(credit_code=C2).count() == 1  # blocked even when asked


def test_duplicates_across_batches_are_found_in_the_database(sales, existing, settings):
    settings.CRM_IMPORT_BATCH_SIZE = 2
    job = run_import(sales.supervisor, csv_bytes(rows()), "dups.csv", policy="skip")
    assert (job.created_count, job.skipped_count) == (2, 4)


def test_a_number_column_updates_that_customer(sales, existing):
    header = ["客户编号", "地址", "备注"]
    content = csv_bytes([header, [existing.a.number, "上海市徐汇区漕溪北路 88 号", "更新"], ["KH999999", "x", "y"]])
    with translation.override("en"):
        job = run_import(sales.supervisor, content, "update.csv", policy="update")
    assert (job.updated_count, job.rejected_count) == (1, 1)
    existing.a.refresh_from_db()
    assert (existing.a.address, existing.a.notes) == ("上海市徐汇区漕溪北路 88 号", "更新")
    assert "There is no customer with the number KH999999" in job.issues.get().message
    assert existing.a.events.filter(kind="updated").exists()


def test_dry_run_checks_everything_and_writes_nothing(sales, existing):
    before = (Customer.objects.count(), CustomerKey.objects.count())
    job = run_import(sales.supervisor, csv_bytes(rows()), "dups.csv", policy="create", dry_run=True)
    assert (job.status, job.created_count, job.rejected_count) == (ImportStatus.CHECKED, 4, 2)
    assert (Customer.objects.count(), CustomerKey.objects.count()) == before
    assert not job.rejects or job.rejects.name.endswith(".csv")  # the findings can be downloaded too
    # The real run after the dry run gives the same counts.
    job = service.import_start(actor=sales.supervisor, job=job)
    assert (job.status, job.created_count, job.rejected_count) == (ImportStatus.SUCCEEDED, 4, 2)


def test_matching_is_set_based_a_batch_costs_the_same_queries_whatever_its_size(sales, existing):
    """No query per row: the lookups of a batch are the same whatever its size. (SQLite splits a
    bulk INSERT into statements of 999 parameters, so inserts are left out of the count there.)"""

    def queries(count: int) -> int:
        body = [
            [
                f"批量{count}-{i}科技有限公司",
                "华东",
                "普通客户",
                "刘洋",
                f"021-5{count:03d}{i:04d}",
                f"a{i}@b{count}.cn",
                "",
                "",
            ]
            for i in range(count)
        ]
        body[0] = ["华信科技有限公司", "华东", "普通客户", "刘洋", "021-62345678", "", "", ""]  # one duplicate
        job = service.import_create(
            actor=sales.supervisor, record_type="customers", upload=Upload(csv_bytes([HEADER, *body]), "n.csv")
        )
        job = service.import_map(
            actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults, policy="create"
        )
        with CaptureQueriesContext(connection) as captured:
            job = service.import_start(actor=sales.supervisor, job=job, background=False)
        assert job.created_count == count
        statements = [q["sql"] for q in captured.captured_queries]
        if connection.vendor == "sqlite":
            statements = [sql for sql in statements if not sql.lstrip().upper().startswith("INSERT")]
        return len(statements)

    queries(5)  # cached settings (duplicate rules, pools) warm up
    assert queries(10) == queries(300)


def test_key_holders_finds_every_customer_holding_each_key(sales, existing):
    """The batch lookup of the duplicate keys (one query, a parameter per kind) on both databases."""
    from crm.customers import normalise
    from crm.customers.selectors.duplicates import key_holders

    twin = make_customer(manager=sales.manager, name="上海华信网络有限公司", phone="021 6234 5678", confirm=True)
    phone = normalise.phone_key("021-62345678")
    wanted = {"phone": {phone, "02100000000"}, "credit_code": {C1}, "name": {existing.b.name_key, "没有这家"}}
    found = key_holders({**wanted, "email": set()})
    assert found == {
        ("phone", phone): {existing.a.pk, twin.pk},
        ("credit_code", C1): {existing.b.pk},
        ("name", existing.b.name_key): {existing.b.pk},
    }
    assert key_holders({}) == {} and key_holders({"phone": set()}) == {}


@pytest.mark.parametrize("record_type", ["customers", "contacts"])
def test_cleaning_rows_asks_the_database_nothing_once_lookups_are_loaded(sales, existing, record_type):
    """Rows are cleaned in the pauses of the batch before, possibly in the middle of its COPY on
    the same connection (crm.imports.reading.Reader): cleaning may not query."""
    from crm.imports import parsing
    from crm.imports.reading import make_row

    header = HEADER if record_type == "customers" else ["客户名称", "联系人", "手机", "性别", "邮箱"]
    body = (
        [["杭州远景科技有限公司", "华东", "大客户", "刘洋", "0571-88886666", "a@b.cn", C2, "备注"]]
        if record_type == "customers"
        else [["上海华信科技股份有限公司", "王芳", "13812345678", "女", "w@f.cn"]]
    )
    job = service.import_create(
        actor=sales.supervisor, record_type=record_type, upload=Upload(csv_bytes([header, *body * 3]), "c.csv")
    )
    job = service.import_map(actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults)
    ctx = run.build_context(job, dry_run=False)
    ctx.lookups.load(ctx.fields.values())
    made = [
        make_row(job, index, number, cells)
        for index, number, cells in parsing.iter_rows(job.source.path, run.layout_of(job))
    ]
    with CaptureQueriesContext(connection) as captured:
        ctx.type.clean(ctx, made)
    assert captured.captured_queries == []
    assert all(row.ok for row in made), [row.errors for row in made]
