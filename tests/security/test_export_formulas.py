"""Cells that a spreadsheet would run as a formula are exported as text (CSV and XLSX)."""

import csv
import io

import pytest
from openpyxl import load_workbook

from crm.core.tests.scopedapp.models import Record

PAYLOADS = ["=HYPERLINK(\"http://evil\")", "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_formula_cells_are_neutralised(client, admin_user, fmt):
    for payload in PAYLOADS:
        Record.objects.create(name=payload, owner=admin_user)
    Record.objects.create(name="-12.5", owner=admin_user)  # a plain negative number stays a number
    client.force_login(admin_user)
    content = client.get(f"/scoped/export/?format={fmt}").content
    if fmt == "csv":
        names = [row[0] for row in csv.reader(io.StringIO(content.decode("utf-8-sig")))][1:]
    else:
        names = [row[0] for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)]
    assert names == [f"'{payload}" for payload in PAYLOADS] + ["-12.5"]
