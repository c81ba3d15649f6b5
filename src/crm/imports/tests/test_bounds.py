"""Every file is bounded before and while it is read (issue 12 #1): compression bombs are
refused unopened, rows and columns have limits, no cell is kept or answered in full past the
longest value a field takes; backups that would not fit are refused before anything is written."""

import io
import re
import time
import zipfile

import pytest

from crm.core.errors import ValidationFailed
from crm.customers.models import Customer
from crm.imports import parsing
from crm.imports.models import ImportIssue, ImportStatus
from crm.imports.services import lifecycle as service
from crm.imports.tests.conftest import HEADER, Upload, csv_bytes, run_import, xlsx_bytes

ROW = ["上海华信科技有限公司", "华东", "大客户", "刘洋", "021-62345678", "", "", ""]


def _name(i: int) -> str:
    """Distinct company names (distinct name keys): two characters picked by i."""
    return f"{chr(0x6C5F + i // 40)}{chr(0x660E + i % 40)}贸易有限公司"


def _with_sheet(content: bytes, change) -> bytes:
    """The workbook with its sheet's XML changed (what openpyxl would not write)."""
    packed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as target:
        for part in source.infolist():
            data = source.read(part)
            target.writestr(part.filename, change(data) if part.filename.startswith("xl/worksheets/") else data)
    return packed.getvalue()


def test_a_workbook_that_unpacks_to_a_bomb_is_refused_unopened(sales):
    huge = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"A" * 30_000_000 + b"</t></is></c></row></sheetData>"
    bomb = _with_sheet(xlsx_bytes([HEADER, ROW]), lambda data: data.replace(b"</sheetData>", huge))
    assert len(bomb) < 200_000  # 30 MB of one letter packs to ~30 KB
    started = time.monotonic()
    with pytest.raises(ValidationFailed, match=r"28\.6"):  # the size it unpacks to
        service.import_create(actor=sales.supervisor, record_type="customers", upload=Upload(bomb, "客户.xlsx"))
    assert time.monotonic() - started < 5


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_files_over_the_row_limit_are_refused_before_importing(sales, settings, kind):
    settings.CRM_IMPORT_MAX_ROWS = 100
    rows = [HEADER] + [[_name(i), *ROW[1:]] for i in range(101)]
    content = csv_bytes(rows) if kind == "csv" else xlsx_bytes(rows)
    with pytest.raises(ValidationFailed, match="100"):
        service.import_create(actor=sales.supervisor, record_type="customers", upload=Upload(content, f"客户.{kind}"))
    assert not Customer.objects.exists()


def test_a_sheet_that_hides_its_rows_from_its_dimension_stops_at_the_limit(sales, settings):
    settings.CRM_IMPORT_MAX_ROWS = 100
    rows = [HEADER] + [[_name(i), *ROW[1:]] for i in range(150)]
    dimension = re.compile(rb'<dimension ref="[^"]*"')
    lying = _with_sheet(xlsx_bytes(rows), lambda data: dimension.sub(b'<dimension ref="A1:H20"', data))
    job = run_import(sales.supervisor, lying, "客户.xlsx")
    assert job.status == ImportStatus.FAILED and "100" in job.error


def test_files_over_the_column_limit_are_refused(sales, settings):
    settings.CRM_IMPORT_MAX_COLUMNS = 10
    content = csv_bytes([[*HEADER, *(f"列{i}" for i in range(5))], [*ROW, *("x" * 5)]])
    with pytest.raises(ValidationFailed, match="10"):
        service.import_create(actor=sales.supervisor, record_type="customers", upload=Upload(content, "客户.csv"))


def test_a_cell_too_long_for_any_field_rejects_its_row_and_is_never_kept_in_full(client, sales):
    long_note = "很长的备注" * 20_000  # 100,000 characters
    content = csv_bytes([HEADER, [*ROW[:7], long_note], ["深圳前海微众电子有限公司", *ROW[1:]]])
    job = run_import(sales.supervisor, content, "客户.csv")
    assert (job.created_count, job.rejected_count) == (1, 1)
    assert max(len(cell) for cell in job.samples[0]) <= parsing.SAMPLE_CELL
    issue = ImportIssue.objects.get(job=job)
    assert max(len(value) for value in issue.values) == parsing.MAX_CELL + 1
    client.force_login(sales.supervisor)
    assert len(client.get("/api/v1/imports/").content) < 20_000  # the list answers no long text


def test_every_import_field_takes_at_most_the_longest_kept_cell(seeded):
    """So a cell cut to MAX_CELL + 1 characters is always refused as too long, never stored cut."""
    from crm.imports import registry

    for import_type in registry.all_types():
        for spec in import_type.fields():
            assert (spec.max_length or 0) <= parsing.MAX_CELL, (import_type.code, spec.key)


def test_a_backup_that_would_not_fit_on_the_disk_is_refused_before_writing(tmp_path, monkeypatch, db):
    import json
    import shutil
    import tarfile
    from collections import namedtuple

    from django.db import connection

    from crm.imports.services import backup

    archive = tmp_path / "backup.tar.gz"
    manifest = json.dumps({"format": backup.FORMAT, "engine": connection.vendor, "database_file": "db"}).encode()
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in ((backup.MANIFEST, manifest), ("db", bytes(5_000_000))):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda path: usage(10**9, 10**9 - 1_000_000, 1_000_000))
    with pytest.raises(ValidationFailed):
        backup.backup_restore(archive=str(archive), force=True)


def test_a_row_identical_to_a_rejected_row_is_rejected_too_not_skipped(sales):
    """Issue 12 #12: the second of two identical rows that lack a required value was counted as a
    duplicate of the first, which was never imported."""
    incomplete = ["杭州恒通机械有限公司", "华东", "", "刘洋", "0571-88886666", "", "", ""]  # no 客户等级
    job = run_import(sales.supervisor, csv_bytes([HEADER, incomplete, incomplete]), "客户.csv")
    assert (job.created_count, job.skipped_count, job.rejected_count) == (0, 0, 2)


def test_a_download_whose_file_is_gone_is_a_404_not_a_500(client, sales, settings):
    from django.core.files.base import ContentFile

    from crm.imports.models import ExportJob

    job = ExportJob(owner=sales.supervisor, record_type="customers", file_format="csv", status="succeeded")
    job.file.save("客户.csv", ContentFile(b"x"))
    job.file.storage.delete(job.file.name)  # expired, or not in the backup it was restored from
    client.force_login(sales.supervisor)
    assert client.get(f"/data/exports/{job.pk}/download/").status_code == 404
    assert client.get(f"/api/v1/exports/{job.pk}/download/").status_code == 404
