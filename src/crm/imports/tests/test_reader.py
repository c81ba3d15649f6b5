"""Reading an import's rows ahead (crm.imports.reading.Reader): the next batch is read
and cleaned a row at a time while the current one is written; a file that breaks off is
reported where its batch is asked for, never in the middle of the batch being written."""

import pytest

from crm.core.errors import ValidationFailed
from crm.imports import parsing, reading
from crm.imports.services import lifecycle as service
from crm.imports.services import run
from crm.imports.tests.conftest import HEADER, Upload, csv_bytes


@pytest.fixture
def job(sales):
    body = [[f"读取{i}号科技有限公司", "华东", "普通客户", "刘洋", f"021-6000000{i}", "", "", ""] for i in range(5)]
    job = service.import_create(
        actor=sales.supervisor, record_type="customers", upload=Upload(csv_bytes([HEADER, *body]), "r.csv")
    )
    return service.import_map(actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults)


def _rows(job, *, break_after=None):
    for position, row in enumerate(parsing.iter_rows(job.source.path, run.layout_of(job))):
        if position == break_after:
            raise ValidationFailed("第 4 行之后文件损坏")
        yield row


def test_steps_prepare_the_next_batch_and_batch_finishes_it(job):
    ctx = run.build_context(job, dry_run=True)
    reader = reading.Reader(job, ctx, _rows(job), size=2)
    first = reader.batch()
    assert [row.index for row in first] == [0, 1]
    reader.step()  # while the first batch is written
    reader.step()
    reader.step()  # the next batch is full: nothing more is read
    second = reader.batch()
    assert [row.index for row in second] == [2, 3] and all("draft" in row.extra for row in second)
    assert [row.index for row in reader.batch()] == [4]
    assert reader.batch() == []


def test_a_file_breaking_off_is_raised_with_its_batch_not_before(job):
    ctx = run.build_context(job, dry_run=True)
    reader = reading.Reader(job, ctx, _rows(job, break_after=3), size=2)
    assert [row.index for row in reader.batch()] == [0, 1]
    reader.step()
    reader.step()  # reads row 3, then the file breaks: kept for batch()
    with pytest.raises(ValidationFailed, match="文件损坏"):
        reader.batch()


def test_a_csv_damaged_midway_is_refused_at_upload_with_the_row(sales):
    """Row 5 opens a quote that never closes, so the rest of the file runs into one cell too big
    for a CSV reader: the upload's analysis reads the whole CSV and says where, before anything
    is imported (so a run never meets it mid-file)."""
    body = [[f"损坏{i}号科技有限公司", "华东", "普通客户", "刘洋", f"021-6100000{i}", "", "", ""] for i in range(8)]
    filler = [[f"其后{i}号有限公司", "华东", "普通客户", "刘洋", "", "", "", "说明" * 20] for i in range(3000)]
    content = csv_bytes([HEADER, *body, *filler]).replace("损坏5号".encode(), '"损坏5号'.encode())
    with pytest.raises(ValidationFailed, match="第 6 行附近已损坏"):
        service.import_create(actor=sales.supervisor, record_type="customers", upload=Upload(content, "d.csv"))
