"""Exports (IMP-2, ORG-6): only with the export permission, within the data scope, masked fields
masked; big exports as background jobs whose file waits for its owner; every export audited; the
same from the command line; an export of all columns can be imported again."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook

from crm.access.engine import forget
from crm.access.models import FieldRule, Role
from crm.audit.models import AuditAction, AuditEvent
from crm.core.errors import NotFound, PermissionDenied
from crm.customers.testing import make_customer, picklist
from crm.imports.exports import ExportFile
from crm.imports.models import ExportJob, ExportStatus
from crm.imports.services import exports as service
from crm.imports.tests.conftest import Upload
from crm.testing import make_user


@pytest.fixture
def customers(sales):
    return [
        make_customer(manager=sales.manager, name="上海华信科技有限公司", phone="021-62345678"),
        make_customer(manager=sales.colleague, name="杭州远景网络有限公司", level=picklist("customer_level", "2")),
        make_customer(manager=sales.supervisor, name="苏州恒通机械有限公司"),
        make_customer(manager=sales.other, name="深圳腾飞电子有限公司"),  # outside the supervisor's scope
    ]


def _rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_small_exports_come_at_once_within_the_scope(sales, customers):
    exported = service.export_start(actor=sales.supervisor, record_type="customers", fmt="csv")
    assert isinstance(exported, ExportFile) and exported.rows == 3
    names = {row[1] for row in _rows(exported.content)[1:]}
    assert "深圳腾飞电子有限公司" not in names and "上海华信科技有限公司" in names


def test_big_exports_run_in_the_background_and_wait_for_their_owner(
    sales, customers, settings, django_capture_on_commit_callbacks
):
    settings.CRM_EXPORT_INLINE_ROWS = 1
    params = f"manager={sales.manager.pk}&col=number&col=name&col=phone"  # the list's filter and columns
    with django_capture_on_commit_callbacks(execute=True):
        job = service.export_start(actor=sales.supervisor, record_type="customers", fmt="xlsx", params="")
    job.refresh_from_db()
    assert isinstance(job, ExportJob) and (job.status, job.rows) == (ExportStatus.SUCCEEDED, 3)
    assert job.expires_at > timezone.now() + timedelta(days=6)
    sheet = load_workbook(job.file.open("rb"), read_only=True).active
    assert sorted(row[1] for row in sheet.iter_rows(min_row=2, values_only=True)) == [
        "上海华信科技有限公司",
        "杭州远景网络有限公司",
        "苏州恒通机械有限公司",
    ]
    with django_capture_on_commit_callbacks(execute=True):
        filtered = service.export_start(actor=sales.supervisor, record_type="customers", fmt="xlsx", params=params)
    assert isinstance(filtered, ExportFile)  # one row: small enough to come at once
    sheet = load_workbook(io.BytesIO(filtered.content), read_only=True).active
    assert list(sheet.iter_rows(values_only=True))[1][1:3] == ("上海华信科技有限公司", "021-62345678")
    assert service.export_download(actor=sales.supervisor, job=job) == job
    with pytest.raises(NotFound):
        service.export_download(actor=sales.manager, job=job)
    audit = AuditEvent.objects.filter(action=AuditAction.EXPORT).order_by("id").first()
    assert audit.actor == sales.supervisor and audit.changes["rows"] == [None, 3] and audit.source == "job"
    # Expired exports are deleted with their files.
    path = job.file.path
    ExportJob.objects.filter(pk=job.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    assert service.exports_cleanup()["exports"] == 1
    assert not ExportJob.objects.exists() and not __import__("os").path.exists(path)


def test_export_needs_its_permission_and_keeps_masked_fields_masked(sales, customers):
    with pytest.raises(PermissionDenied):
        service.export_start(actor=sales.manager, record_type="customers")
    FieldRule.objects.create(
        role=Role.objects.get(code="supervisor"), resource="customers.customer", field="phone", rule="masked"
    )
    FieldRule.objects.create(
        role=Role.objects.get(code="supervisor"), resource="customers.customer", field="email", rule="hidden"
    )
    forget(sales.supervisor)  # the rules changed after this user's rights were read
    exported = service.export_now(actor=sales.supervisor, record_type="customers", fmt="csv")
    rows = _rows(exported.content)
    header = rows[0]
    assert "邮箱" not in header and "E-mail" not in header
    phone = header.index("电话") if "电话" in header else header.index("Telephone")
    assert "021****5678" in [row[phone] for row in rows[1:]]


def test_the_command_line_exports_as_a_user_and_the_file_imports_again(sales, customers, tmp_path, capsys):
    target = tmp_path / "customers.csv"
    call_command("export", "customers", str(target), "--as", "sup")
    assert "exported 3 rows" in capsys.readouterr().out
    from crm.imports.services import lifecycle as import_service

    job = import_service.import_create(
        actor=sales.supervisor, record_type="customers", upload=Upload(target.read_bytes(), "customers.csv")
    )
    ignored = [header for i, header in enumerate(job.headers) if str(i) not in job.mapping]
    assert len(ignored) == 1  # only the status, which is not imported
    job = import_service.import_map(
        actor=sales.supervisor, job=job, mapping=job.mapping, defaults=job.defaults, policy="update"
    )
    job = import_service.import_start(actor=sales.supervisor, job=job)
    assert (job.updated_count, job.created_count, job.rejected_count) == (3, 0, 0)
    with pytest.raises(CommandError, match="权限"):
        call_command("export", "customers", str(target), "--as", "mgr")


def test_the_exports_page_downloads_small_lists_and_queues_big_ones(client, sales, customers, settings):
    client.force_login(sales.supervisor)
    small = client.get("/data/exports/new/?type=customers&format=csv&q=华信")
    assert small.status_code == 200 and small["Content-Type"].startswith("text/csv")
    settings.CRM_EXPORT_INLINE_ROWS = 1
    big = client.get("/data/exports/new/?type=customers&format=xlsx")
    assert big.status_code == 302 and big["Location"].endswith("/data/exports/")
    job = ExportJob.objects.get()
    page = client.get("/data/exports/")
    assert page.status_code == 200 and f'data-export="{job.pk}"' in page.content.decode()
    client.force_login(sales.manager)  # managers export their own targets, reports and claims (issue 18)
    mine = client.get("/data/exports/")
    assert mine.status_code == 200 and f'data-export="{job.pk}"' not in mine.content.decode()
    client.force_login(make_user("nobody", department=sales.manager.department))  # no export function at all
    assert client.get("/data/exports/").status_code == 403
