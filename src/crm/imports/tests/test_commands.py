"""`crm import` and `crm export` from the command line (IMP-1, IMP-2)."""

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crm.customers.models import Customer
from crm.customers.testing import make_customer
from crm.imports.models import ImportJob
from crm.imports.services import lifecycle as service
from crm.imports.tests.conftest import HEADER, Upload, csv_bytes

ROWS = [
    HEADER,
    ["上海华信科技有限公司", "华东", "大客户", "刘洋", "021-62345678", "", "", ""],
    ["杭州远景网络有限公司", "", "普通客户", "刘洋", "", "", "", ""],
    ["坏电话有限公司", "华东", "普通客户", "刘洋", "123", "", "", ""],
]


def test_import_prints_the_counts_and_the_rejects_file(sales, tmp_path, capsys):
    path = tmp_path / "客户.csv"
    path.write_bytes(csv_bytes(ROWS))
    with pytest.raises(SystemExit) as exit_info:  # rows were rejected: exit code 1 for scripts
        call_command("import", "customers", str(path), "--as", "sup", "--set", "region=华南")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "created 2  updated 0  skipped 0  rejected 1" in out
    rejects = out.split("rejects: ")[1].strip().splitlines()[0]
    assert rejects.endswith(".csv") and "坏电话有限公司" in Path(rejects).read_text(encoding="utf-8-sig")
    assert Customer.objects.get(name="杭州远景网络有限公司").region.entry == "华南"  # --set for empty cells


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize("terminal", [True, False])
def test_import_progress_is_a_bar_on_a_terminal_and_one_line_per_batch_otherwise(sales, tmp_path, settings, terminal):
    settings.CRM_IMPORT_BATCH_SIZE = 2
    path = tmp_path / "客户.csv"
    path.write_bytes(csv_bytes([HEADER, *([f"公司{i}有限公司", "华东", "大客户", "刘洋"] for i in range(5))]))
    out = Terminal() if terminal else io.StringIO()
    call_command("import", "customers", str(path), "--as", "sup", stdout=out)
    text = out.getvalue()
    assert "created 5" in text
    if terminal:  # redrawn in place, then a new line before the counts
        assert "\r[############..................] 2 / 5 rows\r[########################......] 4 / 5 rows" in text
        assert "\r[##############################] 5 / 5 rows\nimport " in text
    else:
        assert "\r" not in text and "#" not in text
        assert "\n2 / 5 rows\n4 / 5 rows\n5 / 5 rows\nimport " in text


def test_import_with_a_saved_mapping_a_policy_and_a_dry_run(sales, tmp_path, capsys):
    make_customer(manager=sales.manager, name="上海华信科技有限公司")
    header = ["公司", "片区", "级别"]
    first = service.import_create(
        actor=sales.supervisor,
        record_type="customers",
        upload=Upload(csv_bytes([header, ["a", "华东", "大客户"]]), "x.csv"),
    )
    service.import_map(
        actor=sales.supervisor, job=first, mapping={"0": "name", "1": "region", "2": "level"}, save_as="老系统"
    )
    path = tmp_path / "old.csv"
    path.write_bytes(csv_bytes([header, ["华信科技", "华东", "合作伙伴"], ["新公司甲有限公司", "华北", "大客户"]]))
    call_command("import", "customers", str(path), "--as", "sup", "--mapping", "老系统", "--dry-run")
    assert "created 1  updated 0  skipped 1" in capsys.readouterr().out
    assert Customer.objects.count() == 1
    call_command("import", "customers", str(path), "--as", "sup", "--mapping", "老系统", "--duplicates", "update")
    out = capsys.readouterr().out
    assert "created 1  updated 1" in out and "succeeded" in out
    assert Customer.objects.get(name="华信科技").level.entry == "合作伙伴"


def test_import_refuses_unknown_users_types_and_files(sales, tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(ROWS))
    with pytest.raises(CommandError, match="no active user"):
        call_command("import", "customers", str(path), "--as", "nobody")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import", "customers", str(tmp_path / "missing.csv"), "--as", "sup")
    with pytest.raises(CommandError, match="spaceships"):
        call_command("import", "spaceships", str(path), "--as", "sup")
    with pytest.raises(CommandError):
        call_command("import", "customers", str(path), "--as", "mgr")  # no import right
    assert not ImportJob.objects.exists()
