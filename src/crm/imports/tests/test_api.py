"""The import and export API (API.md): upload, map, preview, start, status, errors, rejects file,
decisions; exports as jobs; errors in the one JSON shape with 400/403/404/413."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from crm.customers.models import Customer
from crm.customers.testing import make_customer
from crm.imports.tests.conftest import HEADER, csv_bytes


@pytest.fixture
def api(sales):
    client = APIClient()
    client.force_authenticate(sales.supervisor)
    return client


def _upload(api, content: bytes, name="客户.csv", record_type="customers"):
    return api.post(
        "/api/v1/imports/",
        {"record_type": record_type, "file": SimpleUploadedFile(name, content, content_type="text/csv")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_upload_map_preview_start_and_read_the_errors(api, sales):
    rows = [
        HEADER,
        ["上海华信科技有限公司", "华东", "大客户", "刘洋", "", "", "", ""],
        ["", "华东", "大客户", "", "", "", "", ""],
    ]
    created = _upload(api, csv_bytes(rows))
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "mapping" and body["headers"][0] == "客户名称" and body["mapping"]["0"] == "name"
    job_id = body["id"]
    types = api.get("/api/v1/import-types/").json()
    # the types a supervisor may import
    assert {t["code"] for t in types} == {"customers", "contacts", "leads", "services", "receipts"}
    mapped = api.post(f"/api/v1/imports/{job_id}/map/", {"mapping": body["mapping"], "policy": "skip"}, format="json")
    assert mapped.status_code == 200 and mapped.json()["status"] == "ready"
    preview = api.get(f"/api/v1/imports/{job_id}/preview/").json()
    assert [row["outcome"] for row in preview["rows"]] == ["created", "rejected"]
    assert Customer.objects.count() == 0
    started = api.post(f"/api/v1/imports/{job_id}/start/", {"dry_run": False}, format="json")
    assert started.status_code == 202
    status = api.get(f"/api/v1/imports/{job_id}/").json()
    assert (status["status"], status["created_count"], status["rejected_count"]) == ("succeeded", 1, 1)
    assert status["rejects_url"].endswith(f"/api/v1/imports/{job_id}/rejects/")
    errors = api.get(f"/api/v1/imports/{job_id}/errors/?kind=rejected").json()
    assert errors["count"] == 1 and errors["results"][0]["row_number"] == 3
    rejects = api.get(f"/api/v1/imports/{job_id}/rejects/")
    assert rejects.status_code == 200 and b"\xe5\xae\xa2\xe6\x88\xb7\xe5\x90\x8d\xe7\xa7\xb0" in b"".join(
        rejects.streaming_content
    )
    template = api.get("/api/v1/imports/templates/customers/")
    assert template.status_code == 200 and template["Content-Type"].startswith("application/vnd.openxml")


def test_decisions_over_the_api(api, sales):
    make_customer(manager=sales.manager, name="上海华信科技有限公司")
    job = _upload(api, csv_bytes([HEADER, ["华信科技有限公司", "华东", "大客户", "刘洋", "", "", "", ""]])).json()
    api.post(f"/api/v1/imports/{job['id']}/map/", {"mapping": job["mapping"], "policy": "ask"}, format="json")
    waiting = api.post(f"/api/v1/imports/{job['id']}/start/", {}, format="json").json()
    assert (waiting["status"], waiting["waiting_count"]) == ("waiting", 1)
    issue = api.get(f"/api/v1/imports/{job['id']}/errors/?kind=duplicate").json()["results"][0]
    decided = api.post(
        f"/api/v1/imports/{job['id']}/decide/", {"decisions": {str(issue["row_index"]): "create"}}, format="json"
    ).json()
    assert (decided["status"], decided["created_count"]) == ("succeeded", 1)


def test_bad_input_gets_the_json_error_shape(api, sales, settings):
    not_spreadsheet = _upload(api, b"\x89PNG\r\n\x1a\n" + bytes(100), name="photo.csv")
    assert not_spreadsheet.status_code == 400
    assert not_spreadsheet.json()["error"]["code"] == "validation_error"
    assert "file" in not_spreadsheet.json()["error"]["fields"]
    settings.CRM_UPLOAD_MAX_BYTES = 100
    too_big = _upload(api, csv_bytes([HEADER] * 20))
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"
    unknown = _upload(api, csv_bytes([HEADER]), record_type="spaceships")
    assert unknown.status_code == 404
    settings.CRM_UPLOAD_MAX_BYTES = 20 * 1024 * 1024
    job = _upload(api, csv_bytes([HEADER, ["上海华信科技有限公司", "华东", "大客户", "", "", "", "", ""]])).json()
    wrong = api.post(f"/api/v1/imports/{job['id']}/map/", {"mapping": {"0": "name", "1": "name"}}, format="json")
    assert wrong.status_code == 400 and "mapping" in wrong.json()["error"]["fields"]
    early = api.post(f"/api/v1/imports/{job['id']}/start/", {}, format="json")
    assert early.status_code == 409
    other = APIClient()
    other.force_authenticate(sales.executive)
    assert other.get(f"/api/v1/imports/{job['id']}/").status_code == 404
    manager = APIClient()
    manager.force_authenticate(sales.manager)
    assert manager.post("/api/v1/imports/", {"record_type": "customers"}, format="multipart").status_code == 400
    refused = manager.post(
        "/api/v1/imports/",
        {"record_type": "customers", "file": SimpleUploadedFile("a.csv", csv_bytes([HEADER]))},
        format="multipart",
    )
    assert refused.status_code == 403


def test_exports_over_the_api(api, sales, settings, django_capture_on_commit_callbacks):
    make_customer(manager=sales.manager, name="上海华信科技有限公司")
    make_customer(manager=sales.manager, name="杭州远景网络有限公司")
    small = api.post("/api/v1/exports/", {"record_type": "customers", "format": "csv"}, format="json")
    assert small.status_code == 201 and small.json()["status"] == "succeeded"
    download = api.get(small.json()["download_url"])
    assert download.status_code == 200
    settings.CRM_EXPORT_INLINE_ROWS = 1
    with django_capture_on_commit_callbacks(execute=True):
        big = api.post("/api/v1/exports/", {"record_type": "customers", "params": "q=华信"}, format="json")
    assert big.status_code == 201  # one row matches: small after all
    with django_capture_on_commit_callbacks(execute=True):
        big = api.post("/api/v1/exports/", {"record_type": "customers"}, format="json")
    assert big.status_code == 202 and big.json()["status"] == "queued"
    assert api.get(f"/api/v1/exports/{big.json()['id']}/").json()["status"] == "succeeded"
    manager = APIClient()
    manager.force_authenticate(sales.manager)
    assert manager.post("/api/v1/exports/", {"record_type": "customers"}, format="json").status_code == 403
