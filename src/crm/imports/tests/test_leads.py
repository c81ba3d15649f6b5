"""Importing and exporting leads (OPP-13): owned by the importer, duplicates of existing leads and
of earlier rows skipped, bad rows rejected with their reason; the export keeps to the scope."""

import csv
import io

from django.urls import reverse
from django.utils import translation

from crm.imports.tests.conftest import csv_bytes, run_import
from crm.leads import services
from crm.leads.models import Lead, LeadChannel

HEADER = ["公司名称", "联系人", "手机", "邮箱", "省份", "备注"]


def test_leads_are_imported_to_the_importer(sales):
    services.lead_create(actor=sales.manager, data={"company": "已有线索公司", "name": "甲", "mobile": "13700000001"})
    rows = [
        HEADER,
        ["杭州梦想小镇科技有限公司", "沈浪", "13705710001", "", "浙江", "想了解 CRM"],
        ["苏州金鸡湖软件园", "顾城", "", "gu@example.cn", "江苏省", ""],
        ["杭州梦想小镇科技有限公司 ", "沈浪", "", "", "", ""],  # earlier in the file; and no way to reach
        ["已有线索公司", "乙", "13700000002", "", "", ""],  # an existing lead
        ["杭州另一家公司", "丙", "123", "", "", ""],  # a bad mobile
    ]
    with translation.override("en"):
        job = run_import(sales.manager, csv_bytes(rows), "线索.csv", record_type="leads", policy="skip")
    assert (job.created_count, job.skipped_count, job.rejected_count) == (2, 1, 2)
    lead = Lead.objects.get(company="杭州梦想小镇科技有限公司")
    assert (lead.owner, lead.channel, lead.mobile) == (sales.manager, LeadChannel.IMPORT, "137 0571 0001")
    assert lead.province.name == "浙江省"
    assert lead.number.startswith("XS") and lead.company_key


def test_the_export_keeps_to_the_scope(client, sales):
    data = {"company": "上海公司", "name": "甲", "mobile": "13700000003"}
    mine = services.lead_create(actor=sales.supervisor, data=data)
    services.lead_create(actor=sales.other, data={"company": "深圳公司", "name": "乙", "mobile": "13700000004"})
    client.force_login(sales.supervisor)
    response = client.get(reverse("imports:export_new"), {"type": "leads", "format": "csv", "view": "all"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == [mine.number]
