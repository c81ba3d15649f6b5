"""Files the import writes: the rejects file (the rows that were not imported, in the format
they came in, with an error column added, ready to fix and import again) and the templates."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from crm.imports import registry

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_BOLD = Font(bold=True)
_REQUIRED_FILL = PatternFill("solid", fgColor="FFF2CC")


def _text_cell(sheet, value, **style) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value="" if value is None else str(value))
    cell.data_type = "s"  # text stays text: "=…" is no formula, 0013 keeps its zeros
    for name, setting in style.items():
        setattr(cell, name, setting)
    return cell


def rejects_type(job) -> str:
    """The content type of a job's rejects file (a GBK upload's rejects are GB18030 text)."""
    if job.file_format == "xlsx":
        return XLSX_TYPE
    return "text/csv; charset=gb18030" if csv_encoding(job.encoding) == "gb18030" else CSV_TYPE


def csv_encoding(encoding: str) -> str:
    """Write as the file came in: GBK files back as GB18030, UTF-8 ones with a BOM for Excel."""
    return "gb18030" if encoding == "gb18030" else "utf-8-sig"


def rejects_content(*, file_format: str, encoding: str, delimiter: str, headers: list, rows) -> bytes:
    """`rows`: (cells, reason) pairs. The header row, then each row with the reason last."""
    reason_header = _("Error")
    if file_format == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter or ",")
        writer.writerow([*headers, reason_header])
        for cells, reason in rows:
            writer.writerow([*cells, reason])
        return buffer.getvalue().encode(csv_encoding(encoding), errors="replace")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Rejected rows"))
    sheet.append([_text_cell(sheet, header, font=_BOLD) for header in [*headers, reason_header]])
    for cells, reason in rows:
        sheet.append([*(_text_cell(sheet, cell) for cell in cells), _text_cell(sheet, reason)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def template_content(import_type, fields: list, lookups) -> bytes:
    """An XLSX with the header row and an example row; a second sheet explains every column."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(import_type.label))
    for position in range(len(fields)):
        sheet.column_dimensions[_letter(position)].width = 16
    sheet.append(
        [
            _text_cell(sheet, f"{spec.label}*" if spec.required else spec.label, font=_BOLD, **_fill(spec))
            for spec in fields
        ]
    )
    sheet.append([_text_cell(sheet, spec.example) for spec in fields])
    notes = workbook.create_sheet(_("Notes"))
    notes.column_dimensions["A"].width = 22
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 70
    notes.append([_text_cell(notes, text, font=_BOLD) for text in (_("Column"), _("Required"), _("What to enter"))])
    for spec in fields:
        notes.append(
            [
                _text_cell(notes, spec.label),
                _text_cell(notes, _("Yes") if spec.required else ""),
                _text_cell(notes, describe(spec, lookups)),
            ]
        )
    notes.append([])
    notes.append(
        [
            _text_cell(
                notes,
                _(
                    "Columns are matched by their header, in Chinese or English; their order does not matter. "
                    "The example row may be deleted or overwritten."
                ),
            )
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _fill(spec) -> dict:
    return {"fill": _REQUIRED_FILL} if spec.required else {}


def _letter(position: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(position + 1)


def describe(spec, lookups) -> str:
    """What a column should hold, for the template's notes and the mapping page."""
    parts = [str(spec.help)] if spec.help else []
    if spec.kind == registry.DICTIONARY and lookups is not None:
        parts.append(_("One of: %(options)s") % {"options": "、".join(lookups.active_entries(spec.category)[:30])})
    elif spec.kind == registry.CHOICE:
        parts.append(_("One of: %(options)s") % {"options": "、".join(str(label) for _v, label in spec.choices)})
    elif spec.kind == registry.CUSTOM and spec.custom is not None and spec.custom.options:
        parts.append(_("One of: %(options)s") % {"options": "、".join(spec.custom.options)})
    names = [alias for alias in spec.aliases if alias][:6]
    if names:
        parts.append(_("Headers recognised: %(names)s") % {"names": "、".join(names)})
    return "；".join(parts)
