"""Reading spreadsheets: CSV (UTF-8 with or without BOM, GBK/GB18030, detected) and XLSX
(openpyxl in read-only mode), with the header row found automatically.

- The header row is the row, among the first ones, whose cells best match the record type's
  headers; title rows above it and notes are passed over.
- Merged cells: in the header area a merged cell's text fills every cell of the range (a
  "联系方式" group over 电话 and 邮箱, a 客户名称 spanning two header rows); below the header a
  cell merged over several rows gives its value to each of them (a 客户经理 written once for
  five customers). Read-only mode does not expose merged ranges, so they are read from the
  sheet's XML directly, once, when the file is analysed.
- Empty rows are skipped and not counted. Data rows are numbered 0, 1, 2 … (the import's
  checkpoint counts them) and keep the row number the user sees in the sheet.
- Every file is bounded before and while it is read (crm.imports.conf): its size, an XLSX's
  unpacked size and packing ratio (a compression bomb is refused unopened), its rows and columns;
  a cell is never kept longer than MAX_CELL + 1 characters, which every field refuses as too long.
"""

import codecs
import csv
import datetime
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.cell import get_column_letter, range_boundaries

from crm.core.errors import ValidationFailed
from crm.imports import conf

FORMATS = ("csv", "xlsx")
HEADER_SEARCH_ROWS = 30
SAMPLE_ROWS = 5
SAMPLE_CELL = 100  # characters of a sample cell kept for the mapping page
MAX_CELL = 5000  # the longest value any field takes (notes)
PACKING_RATIO = 100  # an XLSX part unpacking to more than this many times its packed size is a bomb
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]{1,3}[0-9]+:[A-Z]{1,3}[0-9]+)"')
_EXCEL_TEXT = re.compile(r'^="(.*)"$', re.S)


def _refuse(message) -> ValidationFailed:
    return ValidationFailed(message, fields={"file": [message]})


@dataclass
class Layout:
    file_format: str
    encoding: str = ""
    delimiter: str = ""
    sheet: str = ""
    header_row: int = 1
    data_start: int = 2
    headers: list = field(default_factory=list)
    merges: list = field(default_factory=list)  # [first row, last row, column] filled downwards
    estimated_rows: int | None = None
    rows_exact: bool = False
    samples: list = field(default_factory=list)


def cell_text(value) -> str:
    """A cell as text: numbers without a spurious .0, dates as YYYY-MM-DD."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime.datetime):
        if (value.hour, value.minute, value.second) == (0, 0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    text = str(value)
    match = _EXCEL_TEXT.match(text)
    return match.group(1) if match else text


def _blank(cells) -> bool:
    return all(not str(cell).strip() for cell in cells)


# --- CSV ------------------------------------------------------------------------------------------
def decode(raw: bytes) -> tuple[str, str]:
    """(text, encoding): UTF-8 (a BOM is dropped), else GB18030, which reads GBK and GB2312 too."""
    if raw.startswith(codecs.BOM_UTF8):
        try:
            return raw.decode("utf-8-sig"), "utf-8-sig"
        except UnicodeDecodeError:
            pass
    else:
        try:
            return raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            pass
    try:
        return raw.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise _refuse(_("The file's text could not be read: save it as CSV in UTF-8 or GBK, or as Excel.")) from exc


def _sniff(text: str) -> str:
    sample = "\n".join(text[:65536].splitlines()[:50])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _csv_rows(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for number, cells in enumerate(reader, start=1):
            yield number, [cell_text(cell) for cell in cells]
    except csv.Error as exc:
        raise _refuse(_("The CSV file is damaged near row %(row)d: %(error)s") % {"row": number, "error": exc}) from exc


# --- XLSX -----------------------------------------------------------------------------------------
def _check_size(path: str, file_format: str) -> None:
    limit = conf.import_max_bytes()
    if os.path.getsize(path) > limit:
        raise _refuse(_("The file is larger than %(size)s.") % {"size": filesizeformat(limit)})
    if file_format != "xlsx":
        return
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise _refuse(_("This is not an Excel workbook (.xlsx) that can be read.")) from exc
    unpacked = sum(part.file_size for part in parts)
    bomb = any(part.file_size > 1 << 20 and part.file_size > PACKING_RATIO * part.compress_size for part in parts)
    if unpacked > limit or bomb:
        raise _refuse(
            _("The workbook unpacks to %(size)s, far more than its data can need: save it again, or as CSV.")
            % {"size": filesizeformat(unpacked)}
        )


def _check_rows(count: int | None) -> None:
    if count is not None and count > conf.import_max_rows():
        raise _refuse(
            _("The file has more than %(count)s rows: split it into several files.")
            % {"count": f"{conf.import_max_rows():,}"}
        )


def _open_workbook(source):
    try:
        return load_workbook(source, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as exc:
        raise _refuse(_("This is not an Excel workbook (.xlsx) that can be read.")) from exc
    except Exception as exc:  # openpyxl raises its own kinds for foreign zip files
        raise _refuse(_("This is not an Excel workbook (.xlsx) that can be read.")) from exc


def _merged_ranges(sheet) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of every merged range of the sheet."""
    found: set[bytes] = set()
    source = sheet._get_source()
    try:
        tail = b""
        while True:
            chunk = source.read(1 << 20)
            if not chunk:
                break
            data = tail + chunk
            found.update(match.group(1) for match in _MERGE.finditer(data))
            tail = data[-120:]
    finally:
        source.close()
    return [range_boundaries(ref.decode()) for ref in sorted(found)]


def _sheet_rows(sheet, first: int, last: int | None = None) -> Iterator[tuple[int, list[str]]]:
    for number, values in enumerate(sheet.iter_rows(min_row=first, max_row=last, values_only=True), start=first):
        yield number, [cell_text(value) for value in values]


# --- the layout -----------------------------------------------------------------------------------
def _fill_header_area(rows: list[tuple[int, list[str]]], merges) -> dict[int, list[str]]:
    grid = {number: list(cells) for number, cells in rows}
    for min_col, min_row, max_col, max_row in merges:
        if min_row not in grid:
            continue
        anchor = grid[min_row][min_col - 1] if len(grid[min_row]) >= min_col else ""
        for number in range(min_row, max_row + 1):
            if number not in grid:
                continue
            cells = grid[number]
            if len(cells) < max_col:
                cells.extend([""] * (max_col - len(cells)))
            for column in range(min_col, max_col + 1):
                cells[column - 1] = anchor
    return grid


def _choose_header(grid: dict[int, list[str]], score: Callable[[list], int]) -> tuple[int, int]:
    """(row number, score) of the best header candidate; the first non-empty row if none scores."""
    best, best_score = None, 0
    for number in sorted(grid):
        cells = grid[number]
        if _blank(cells):
            continue
        if best is None:
            best = number
        points = score(cells)
        if points > best_score:
            best, best_score = number, points
    if best is None:
        raise _refuse(_("The file holds no rows."))
    return best, best_score


def _headers(cells: list[str]) -> list[str]:
    width = max((i + 1 for i, cell in enumerate(cells) if str(cell).strip()), default=0)
    headers, seen = [], {}
    for position in range(width):
        text = re.sub(r"\s+", " ", str(cells[position]).strip())
        text = text or _("Column %(letter)s") % {"letter": get_column_letter(position + 1)}
        seen[text] = seen.get(text, 0) + 1
        headers.append(text if seen[text] == 1 else f"{text} ({seen[text]})")
    return headers


def analyse(path: str, file_format: str, score: Callable[[list], int]) -> Layout:
    """Find the encoding, sheet, header row and merged ranges of a file; raise with a clear
    message when it is no spreadsheet this can read, or too big to read."""
    if file_format in FORMATS:
        _check_size(path, file_format)
    if file_format == "csv":
        with open(path, "rb") as handle:
            text, encoding = decode(handle.read())
        delimiter = _sniff(text)
        rows = []
        for number, cells in _csv_rows(text, delimiter):
            rows.append((number, cells))
            if number >= HEADER_SEARCH_ROWS:
                break
        grid = dict(rows)
        header_row, _points = _choose_header(grid, score)
        layout = Layout(
            file_format="csv",
            encoding=encoding,
            delimiter=delimiter,
            header_row=header_row,
            data_start=header_row + 1,
            headers=_headers(grid[header_row]),
        )
        layout.estimated_rows = sum(1 for _index, _number, _cells in iter_rows(path, layout))
        layout.rows_exact = True
    elif file_format == "xlsx":
        workbook = _open_workbook(path)
        try:
            layout = _analyse_workbook(workbook, score)
        finally:
            workbook.close()
    else:
        raise _refuse(_("Upload a CSV or an Excel (.xlsx) file."))
    if not layout.headers:
        raise _refuse(_("No header row was found in the file."))
    if len(layout.headers) > conf.import_max_columns():
        raise _refuse(_("The file has more than %(count)d columns.") % {"count": conf.import_max_columns()})
    if layout.estimated_rows is None:  # no dimension in the sheet: count, as far as the limit
        layout.estimated_rows = sum(1 for _row in _take(iter_rows(path, layout), conf.import_max_rows() + 1))
    _check_rows(layout.estimated_rows)
    samples = _take(iter_rows(path, layout), SAMPLE_ROWS)
    layout.samples = [[cell[:SAMPLE_CELL] for cell in cells] for _index, _number, cells in samples]
    return layout


def _take(iterator, count: int):
    for position, item in enumerate(iterator):
        if position >= count:
            break
        yield item


def _analyse_workbook(workbook, score) -> Layout:
    sheets = [sheet for sheet in workbook.worksheets if getattr(sheet, "sheet_state", "visible") == "visible"]
    if not sheets:
        raise _refuse(_("The workbook has no sheet."))
    best = None
    for sheet in sheets:
        rows = list(_sheet_rows(sheet, 1, HEADER_SEARCH_ROWS))
        if not rows or all(_blank(cells) for _number, cells in rows):
            continue
        merges = _merged_ranges(sheet)
        grid = _fill_header_area(rows, [m for m in merges if m[1] <= HEADER_SEARCH_ROWS])
        header_row, points = _choose_header(grid, score)
        if best is None or points > best[0]:
            best = (points, sheet, grid, header_row, merges)
    if best is None:
        raise _refuse(_("The file holds no rows."))
    _points, sheet, grid, header_row, merges = best
    data_start = header_row + 1
    for _min_col, min_row, _max_col, max_row in merges:
        if min_row <= header_row <= max_row:
            data_start = max(data_start, max_row + 1)
    # Below the header only a range's first column is filled, downwards (a note merged across
    # columns stays in its own cell).
    below = [
        [min_row, max_row, min_col] for min_col, min_row, _max_col, max_row in merges if max_row > min_row >= data_start
    ]
    max_row = sheet.max_row
    return Layout(
        file_format="xlsx",
        sheet=sheet.title,
        header_row=header_row,
        data_start=data_start,
        headers=_headers(grid[header_row]),
        merges=sorted(below),
        estimated_rows=max(0, max_row - data_start + 1) if max_row else None,
    )


# --- the data rows ----------------------------------------------------------------------------------
def iter_rows(path: str, layout: Layout, start: int = 0) -> Iterator[tuple[int, int, list[str]]]:
    """(index, row number, cells) of every non-empty data row from index `start` on; cells are
    text, as many as there are headers."""
    width = len(layout.headers)
    if layout.file_format == "csv":
        with open(path, "rb") as handle:
            text, _encoding = decode(handle.read())
        rows = (
            (number, cells) for number, cells in _csv_rows(text, layout.delimiter or ",") if number >= layout.data_start
        )
        yield from _numbered(rows, width, start, [])
        return
    workbook = _open_workbook(path)
    try:
        sheet = workbook[layout.sheet] if layout.sheet in workbook.sheetnames else workbook.worksheets[0]
        sheet.reset_dimensions()  # read every row, whatever the sheet's dimension says (the estimate's)
        yield from _numbered(_sheet_rows(sheet, layout.data_start), width, start, layout.merges)
    finally:
        workbook.close()


def _numbered(rows, width: int, start: int, merges) -> Iterator[tuple[int, int, list[str]]]:
    pending = sorted(tuple(m) for m in merges)  # (first row, last row, column), filled downwards
    active: list[list] = []  # [last row, column, value]
    index, most = 0, conf.import_max_rows()
    for number, cells in rows:
        cells = [cell[: MAX_CELL + 1] for cell in (cells + [""] * width)[:width]]
        while pending and pending[0][0] <= number:
            first, last, column = pending.pop(0)
            if last >= number and column <= width:
                value = cells[column - 1] if first == number else ""
                active.append([last, column, value])
        if active:
            for entry in active:
                last, column, value = entry
                if number <= last:
                    if cells[column - 1]:
                        entry[2] = cells[column - 1]
                    else:
                        cells[column - 1] = value
            active = [entry for entry in active if entry[0] > number]
        if _blank(cells):
            continue
        if index >= most:
            _check_rows(index + 1)  # a sheet whose dimension said fewer: refused as it reads on
        if index >= start:
            yield index, number, cells
        index += 1
