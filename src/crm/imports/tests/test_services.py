"""Importing customer services (SRV-1): new services of customers the importer may see, found by
number or exact name, with the agreements' deadlines; a customer out of scope, unknown or
ambiguous is rejected with the reason; the customer's timeline and the audit log record them."""

from decimal import Decimal

from django.utils import translation

from crm.customers.models import CustomerEvent
from crm.customers.testing import make_customer
from crm.dictionary.models import DictionaryItem
from crm.imports.tests.conftest import csv_bytes, run_import
from crm.service.models import Service, ServiceAgreement, ServiceStatus

HEADER = ["客户", "服务类型", "概要", "服务请求"]


def test_services_are_imported_as_new_with_their_deadlines(sales):
    complaint = DictionaryItem.objects.get(category="service_type", value="3")
    ServiceAgreement.objects.create(
        type=complaint, response_hours=Decimal(4), resolution_hours=Decimal(16), warn_hours=Decimal(2)
    )
    mine = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    twin_a = make_customer(manager=sales.manager, name="同名公司", confirm=True)
    make_customer(manager=sales.colleague, name="同名公司", confirm=True)
    far = make_customer(manager=sales.other, name="深圳南山机械有限公司")
    rows = [
        HEADER,
        [mine.number, complaint.entry, "设备频繁死机", "要求上门检修"],
        ["上海浦江电子有限公司", "咨询", "询问保修期", "保修期多长"],
        ["同名公司", "投诉", "送货延迟", "延迟三天"],  # two customers of this name in the supervisor's scope
        [far.number, "投诉", "别人的客户", "不在范围"],  # outside the supervisor's scope
        ["不存在的公司", "投诉", "无此客户", "无"],
        [mine.number, "投诉", "", "缺少概要"],
    ]
    with translation.override("en"):
        job = run_import(sales.supervisor, csv_bytes(rows), "服务.csv", record_type="services")
    assert (job.created_count, job.rejected_count) == (2, 4)
    imported = list(Service.objects.filter(customer=mine).order_by("number"))
    assert [s.summary for s in imported] == ["设备频繁死机", "询问保修期"]
    first = imported[0]
    assert (first.status, first.created_by, first.number[:2]) == (ServiceStatus.NEW, sales.supervisor, "FW")
    assert first.response_due is not None and first.resolution_due > first.response_due  # the complaint agreement
    assert imported[1].response_due is None  # no agreement for consultations
    assert CustomerEvent.objects.filter(customer=mine, kind="service.create").count() == 2
    assert not Service.objects.filter(customer__in=[twin_a, far]).exists()
