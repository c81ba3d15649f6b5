"""Fixtures of the import tests: real files written the way Excel and WPS write them (the sales
organisation is the root conftest's)."""

import csv
import io

import pytest
from openpyxl import Workbook


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Uploaded files, rejects and exports go to a fresh folder, not the project's var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def csv_bytes(rows, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, merges=(), title="客户") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for merged in merges:
        sheet.merge_cells(merged)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class Upload(io.BytesIO):
    """What Django hands a view: a file with a name and a size."""

    def __init__(self, content: bytes, name: str):
        super().__init__(content)
        self.name = name
        self.size = len(content)


@pytest.fixture
def upload():
    return Upload


HEADER = ["客户名称", "地区", "客户等级", "客户经理", "电话", "邮箱", "统一社会信用代码", "备注"]


def credit_code(n: int) -> str:
    """A valid 统一社会信用代码 (correct check character)."""
    from crm.customers.normalise import credit_code_check_char

    first = f"9131011{n:010d}"
    return first + credit_code_check_char(first)


def run_import(
    actor, content: bytes, name: str, *, record_type="customers", policy="skip", defaults=None, dry_run=False
):
    """Upload, keep the automatic mapping, and import (as the pages do, in this process)."""
    from crm.imports.services import lifecycle as service

    job = service.import_create(actor=actor, record_type=record_type, upload=Upload(content, name))
    job = service.import_map(
        actor=actor, job=job, mapping=job.mapping, defaults={**job.defaults, **(defaults or {})}, policy=policy
    )
    return service.import_start(actor=actor, job=job, dry_run=dry_run, background=False)


@pytest.fixture(scope="session")
def installations(tmp_path_factory):
    """CRM installations run by `crm` in other processes (crm.imports.tests.environment)."""
    from crm.imports.tests.environment import Factory

    factory = Factory(tmp_path_factory.mktemp("installations"))
    yield factory
    factory.close()
