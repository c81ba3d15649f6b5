"""Exporting records (IMP-2, ORG-6): export is its own permission, masked fields stay masked,
every export is audited with what and how many rows.

`export_rows` is the one path: pages, API and (later) background export jobs call it.
"""

import csv
import functools
import inspect
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook

from crm.access import registry
from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import audit_record
from crm.core.errors import ValidationFailed

FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    field: str  # attribute path on the record, "owner.name" follows relations
    label: str


@dataclass
class ExportFile:
    content: bytes
    filename: str
    content_type: str
    rows: int


def export_rows(
    *, actor, resource_code: str, queryset, columns: Iterable[Column], fmt: str = "csv", description: str = ""
) -> ExportFile:
    """Records of `queryset` (narrowed to the actor's scope here too) as a CSV or XLSX file."""
    if fmt not in FORMATS:
        raise ValidationFailed(_("Unknown export format."), fields={"format": [_("Choose CSV or Excel.")]})
    resource = registry.get(resource_code)
    access = access_for(actor)
    access.require(resource.function_code("export"))
    scoped = access.scoped(resource_code, queryset, action="export")
    hidden = access.hidden_fields(resource_code)
    visible = [column for column in columns if column.field.split(".")[0] not in hidden]
    header = [str(column.label) for column in visible]
    body = (
        [_cell(access.present(resource_code, column.field, _resolve(record, column.field))) for column in visible]
        for record in scoped.iterator(chunk_size=2000)
    )
    writer = _write_csv if fmt == "csv" else _write_xlsx
    content, count = writer(header, body)
    audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_repr=str(resource.label),
        message=f"{resource_code} {fmt} rows={count} {description}".strip(),
        changes={"rows": [None, count], "columns": [None, [c.field for c in visible]]},
    )
    name = resource_code.replace(".", "-")
    if fmt == "csv":
        return ExportFile(content, f"{name}.csv", "text/csv; charset=utf-8", count)
    return ExportFile(
        content, f"{name}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", count
    )


def _resolve(record, path: str):
    """Follow an attribute path; a dict along the way (custom fields) is read by key; a method
    at the end (get_status_display) is called."""
    value = record
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else getattr(value, part, None)
        if value is None:
            return None
    if inspect.ismethod(value) or isinstance(value, functools.partial):  # get_status_display
        value = value()
    if hasattr(value, "get_absolute_url") or hasattr(value, "_meta"):
        return str(value)
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        value = "、".join(str(item) for item in value)
    if isinstance(value, bool):
        value = str(_("Yes") if value else _("No"))
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@") and not _is_number(value):
        return "'" + value  # no formula injection when the file is opened in Excel
    return value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _write_csv(header, rows) -> tuple[bytes, int]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow(row)
        count += 1
    # UTF-8 with BOM: what Excel in China needs to open a CSV without garbling the text.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8"), count


def _write_xlsx(header, rows) -> tuple[bytes, int]:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(header)
    count = 0
    for row in rows:
        sheet.append([value if isinstance(value, int | float | str) else str(value) for value in row])
        count += 1
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), count
