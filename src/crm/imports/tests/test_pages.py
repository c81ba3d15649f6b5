"""The import pages (IMP-1): upload -> map -> preview -> run -> result, in zh-hans by default."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from crm.customers.models import Customer
from crm.imports.models import ImportJob, ImportStatus
from crm.imports.tests.conftest import HEADER, csv_bytes

ROWS = [
    HEADER,
    ["上海华信科技有限公司", "华东", "大客户", "刘洋", "021-62345678", "", "", ""],
    ["坏电话有限公司", "华东", "普通客户", "刘洋", "123", "", "", ""],
]


def _upload(client, content, name="客户.csv"):
    return client.post("/data/imports/", {"record_type": "customers", "file": SimpleUploadedFile(name, content)})


def test_the_whole_flow_in_the_pages(client, sales):
    client.force_login(sales.supervisor)
    home = client.get("/data/imports/")
    assert home.status_code == 200 and "客户" in home.content.decode()
    response = _upload(client, csv_bytes(ROWS))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/data/imports/{job.pk}/map/"
    mapping = client.get(response["Location"])
    text = mapping.content.decode()
    assert mapping.status_code == 200 and 'name="col-0"' in text and "上海华信科技有限公司" in text
    form = {f"col-{c}": k for c, k in job.mapping.items()} | {
        "policy": "skip",
        "default-satisfaction": "3",
        "default-credit": "3",
    }
    mapped = client.post(f"/data/imports/{job.pk}/map/", {**form, "save_as": "我的映射"})
    assert mapped.status_code == 302 and mapped["Location"].endswith("/preview/")
    preview = client.get(mapped["Location"])
    assert preview.status_code == 200
    assert preview.content.decode().count('data-outcome="created"') >= 1
    assert 'data-row="3" data-outcome="rejected"' in preview.content.decode()
    assert Customer.objects.count() == 0
    started = client.post(f"/data/imports/{job.pk}/start/")
    assert started.status_code == 302
    detail = client.get(started["Location"])
    assert detail.status_code == 200 and 'data-testid="download-rejects"' in detail.content.decode()
    rejects = client.get(f"/data/imports/{job.pk}/rejects/")
    assert rejects.status_code == 200 and "坏电话有限公司".encode() in b"".join(rejects.streaming_content)
    progress = client.get(f"/data/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true")
    assert progress.status_code == 200 and "hx-trigger" not in progress.content.decode()  # finished: no polling
    assert Customer.objects.count() == 1


def test_upload_errors_are_shown_on_the_form(client, sales, settings):
    client.force_login(sales.supervisor)
    broken = _upload(client, b"%PDF-1.4\n...", name="x.xlsx")
    assert broken.status_code == 400 and "invalid-feedback" in broken.content.decode()
    settings.CRM_UPLOAD_MAX_BYTES = 50
    big = _upload(client, csv_bytes(ROWS))
    assert big.status_code == 413
    assert not ImportJob.objects.exists()


def test_a_running_import_polls_and_an_interrupted_one_offers_to_resume(client, sales):
    client.force_login(sales.supervisor)
    _upload(client, csv_bytes(ROWS))
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING, heartbeat_at=timezone.now(), next_row=1)
    polling = client.get(f"/data/imports/{job.pk}/progress/", HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in polling
    ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(hours=1))
    stale = client.get(f"/data/imports/{job.pk}/").content.decode()
    assert 'data-testid="resume"' in stale and 'hx-trigger="every 1s"' not in stale


def test_templates_and_privacy(client, sales):
    client.force_login(sales.supervisor)
    template = client.get("/data/imports/templates/customers/")
    assert template.status_code == 200
    book = load_workbook(__import__("io").BytesIO(template.content))
    headers = [cell.value for cell in book.worksheets[0][1]]
    assert "客户名称*" in headers and len(book.worksheets) == 2
    _upload(client, csv_bytes(ROWS))
    job = ImportJob.objects.get()
    client.force_login(sales.executive)
    assert client.get(f"/data/imports/{job.pk}/").status_code == 404
    assert client.get("/data/imports/").status_code == 403  # no import right
    client.force_login(sales.manager)
    assert client.get("/data/imports/templates/customers/").status_code == 403


def test_waiting_rows_are_decided_on_the_page(client, sales):
    from crm.customers.testing import make_customer

    make_customer(manager=sales.manager, name="上海华信科技有限公司")
    client.force_login(sales.supervisor)
    _upload(client, csv_bytes([HEADER, ["华信科技有限公司", "华东", "大客户", "刘洋", "", "", "", ""]]))
    job = ImportJob.objects.get()
    form = {f"col-{c}": k for c, k in job.mapping.items()} | {
        "policy": "ask",
        "default-satisfaction": "3",
        "default-credit": "3",
    }
    client.post(f"/data/imports/{job.pk}/map/", form)
    client.post(f"/data/imports/{job.pk}/start/")
    page = client.get(f"/data/imports/{job.pk}/").content.decode()
    assert 'data-testid="decide-form"' in page and "上海华信科技有限公司" in page
    issue = job.issues.get()
    client.post(f"/data/imports/{job.pk}/decide/", {f"decision-{issue.row_index}": "skip"})
    job.refresh_from_db()
    assert (job.status, job.skipped_count, job.waiting_count) == (ImportStatus.SUCCEEDED, 1, 0)
    assert Customer.objects.count() == 1
