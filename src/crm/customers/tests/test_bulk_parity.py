"""One customer, two ways (ADR 0014): a customer imported from a real file (CSV, XLSX) through the
import service is stored exactly as `customer_create` stores one with the same values: its
fields, number format, search tokens, duplicate keys, timeline event and audit entry. Compared
normalised: ids, the number counter's value and timestamps aside. Where they differ by design,
the provenance (the event names the file and the import; the audit entry's source and message
say "import"), the test says so."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from openpyxl import Workbook

from crm.audit.models import AuditEvent
from crm.customers import normalise, tokens
from crm.customers.models import Customer, CustomerEvent, CustomerKey
from crm.customers.services.config import custom_field_create
from crm.customers.services.customers import customer_create
from crm.customers.testing import picklist
from crm.dictionary.models import Region, RegionLevel
from crm.imports.models import ImportStatus
from crm.imports.services import lifecycle as import_service

CODE = "9133010" + "0123456789"
CODE += normalise.credit_code_check_char(CODE)
# The file's header and one row (XLSX: numbers as numbers); what customer_create is given below.
CELLS = {
    "客户名称": " 杭州华信网络科技有限公司 ",
    "外部编号": "ERP-0042",
    "客户经理": "mgr",
    "地区": "华东",
    "客户等级": "大客户",
    "满意度": 4,
    "信用度": 5,
    "电话": "0571 8765 4321",
    "传真": "0571-87654322",
    "邮箱": "info@huaxin.example.cn",
    "网址": "www.huaxin.example.cn",
    "地址": "杭州市西湖区文三路 90 号",
    "邮编": "310012",
    "省份": "浙江",
    "城市": "杭州市",
    "客户类型": "企业客户",
    "客户来源": "展会",
    "行业": "信息技术",
    "开发潜力": "高",
    "客户阶段": "意向客户",
    "统一社会信用代码": CODE.lower(),
    "营业执照号": "330100000012345",
    "法人": "王华信",
    "注册资本": 500,
    "年营业额": 1234.5,
    "开户银行": "招商银行杭州分行",
    "银行账号": "5719 0000 1234",
    "地税登记号": "DS-330100",
    "国税登记号": "GS-330100",
    "备注": "展会上认识，对 CRM 感兴趣",
    "员工人数": 120,
}


class _Undone(Exception):
    """Rolls a write back, so the other path starts from the same database."""


def _file(kind: str) -> SimpleUploadedFile:
    header, row = list(CELLS), list(CELLS.values())
    if kind == "csv":
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\r\n").writerows([header, [str(cell) for cell in row]])
        return SimpleUploadedFile("客户.csv", buffer.getvalue().encode("utf-8-sig"))
    workbook = Workbook()
    workbook.active.append(header)
    workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("客户.xlsx", buffer.getvalue())


def _imported(actor, kind: str):
    job = import_service.import_create(actor=actor, record_type="customers", upload=_file(kind))
    job = import_service.import_map(actor=actor, job=job, mapping=job.mapping, defaults=job.defaults)
    job = import_service.import_start(actor=actor, job=job, background=False)
    assert (job.status, job.created_count) == (ImportStatus.SUCCEEDED, 1), job.error
    return job, Customer.objects.get(external_id="ERP-0042")


def _created(actor, manager):
    data = {
        "name": CELLS["客户名称"],
        "region": picklist("region", "east"),
        "level": picklist("customer_level", "2"),
        "satisfaction": 4,
        "credit": 5,
        "phone": CELLS["电话"],
        "fax": CELLS["传真"],
        "email": CELLS["邮箱"],
        "website": CELLS["网址"],
        "address": CELLS["地址"],
        "postcode": CELLS["邮编"],
        "province": Region.objects.get(level=RegionLevel.PROVINCE, name="浙江省"),
        "city": Region.objects.get(level=RegionLevel.CITY, name="杭州市"),
        "customer_type": picklist("customer_type", "enterprise"),
        "source": picklist("customer_source", "exhibition"),
        "industry": picklist("industry", "it"),
        "potential": picklist("customer_potential", "high"),
        "stage": picklist("customer_stage", "intent"),
        "credit_code": CODE.lower(),
        "licence_no": CELLS["营业执照号"],
        "legal_representative": CELLS["法人"],
        "registered_capital": Decimal("500"),
        "annual_revenue": Decimal("1234.5"),
        "bank": CELLS["开户银行"],
        "bank_account": CELLS["银行账号"],
        "local_tax_no": CELLS["地税登记号"],
        "national_tax_no": CELLS["国税登记号"],
        "notes": CELLS["备注"],
    }
    return customer_create(
        actor=actor, data=data, manager=manager, custom={"employees": 120}, external_id=CELLS["外部编号"]
    )


def _stored(customer) -> dict:
    """Everything stored for the customer, normalised: no ids, timestamps or counter values."""
    customer = Customer.objects.get(pk=customer.pk)
    number = customer.number
    assert re.fullmatch(r"KH\d{6}", number)
    skipped = {"id", "number", "created_at", "updated_at", "owned_since"}
    fields = {
        f.attname: getattr(customer, f.attname) for f in Customer._meta.concrete_fields if f.attname not in skipped
    }
    word = tokens.word_token(number)
    fields["search_tokens"] = sorted("<number>" if t == word else t for t in fields["search_tokens"].split())
    audit = list(
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(Customer), object_id=str(customer.pk)
        ).values("action", "actor_id", "actor_name", "object_repr", "changes", "source", "message", "ip")
    )
    for entry in audit:
        if "number" in entry["changes"]:
            assert entry["changes"]["number"] == [None, number]
            entry["changes"]["number"] = [None, "<number>"]
    return {
        "fields": fields,
        "keys": sorted(
            CustomerKey.objects.filter(customer=customer).values_list("kind", "value", "enforced", "contact")
        ),
        "events": list(CustomerEvent.objects.filter(customer=customer).values("kind", "actor_id", "summary", "data")),
        "audit": audit,
    }


def _undone(write):
    """What `write()` stores, read back; then rolled back."""
    try:
        with transaction.atomic():
            stored = write()
            raise _Undone
    except _Undone:
        return stored


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_an_imported_customer_is_stored_as_customer_create_stores_it(sales, admin_user, settings, tmp_path, kind):
    settings.MEDIA_ROOT = tmp_path
    custom_field_create(
        actor=admin_user, data={"resource": "customer", "key": "employees", "label": "员工人数", "field_type": "number"}
    )
    jobs = []

    def by_import():
        job, customer = _imported(sales.supervisor, kind)
        jobs.append(job)
        return _stored(customer)

    imported = _undone(by_import)
    created = _undone(lambda: _stored(_created(sales.supervisor, sales.manager)))

    assert imported["fields"] == created["fields"]
    assert created["fields"]["custom"] == {"employees": 120} and created["fields"]["phone"] == "0571-87654321"
    assert imported["keys"] == created["keys"] and len(created["keys"]) == 6  # with the brand and its sound
    assert ("credit_code", CODE, True, None) in created["keys"]  # the "block" rule's key is enforced
    # The timeline: one "created" event by the same actor; the import's names its file and import.
    job = jobs[0]
    assert [(e["summary"], e["data"]) for e in imported["events"]] == [(job.original_name, {"import": job.pk})]
    assert [(e["summary"], e["data"]) for e in created["events"]] == [("", {})]
    assert [{**e, "summary": "", "data": {}} for e in imported["events"]] == created["events"]
    # The audit entry: the same changes; the import's says where it came from.
    assert [(e["source"], e["message"]) for e in imported["audit"]] == [
        ("import", f"import {job.pk} {job.original_name}")
    ]
    assert [e["source"] for e in created["audit"]] == ["system"]
    provenance = {"source": "", "message": ""}
    assert [{**e, **provenance} for e in imported["audit"]] == [{**e, **provenance} for e in created["audit"]]
