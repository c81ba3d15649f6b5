"""Importing receipts (issue 16 §6): a bank statement's lines recorded against contracts the importer may
work on, through the same rules as a receipt typed in (the excess needs a reason, instalments are paid
in order, a closed contract takes no money); a line already recorded (same bank reference) is skipped, so
importing the same statement twice records nothing twice; the preview writes nothing."""

import datetime
from decimal import Decimal

from django.utils import translation

from crm.customers.services.contracts import contract_create, contract_transition
from crm.customers.testing import make_customer
from crm.imports.tests.conftest import csv_bytes, run_import
from crm.sales.models import PaymentPlan, Receipt
from crm.sales.services.payments import plan_create

HEADER = ["合同编号", "回款金额", "回款日期", "回款方式", "银行流水号", "超额原因"]


def _contract(owner, name, amount="100000"):
    customer = make_customer(manager=owner, name=name)
    return contract_create(actor=owner, customer=customer, data={
        "title": "年度服务", "amount": Decimal(amount), "signed_on": datetime.date(2026, 10, 1)})


def test_a_statement_is_recorded_once_with_the_rules_of_a_typed_receipt(sales):
    mine = _contract(sales.manager, "上海浦江电子有限公司")
    plan_create(actor=sales.manager, contract=mine, data={"amount": Decimal("40000"),
                                                          "due_on": datetime.date(2026, 11, 1)})
    plan_create(actor=sales.manager, contract=mine, data={"amount": Decimal("60000"),
                                                          "due_on": datetime.date(2027, 1, 1)})
    voided = _contract(sales.manager, "上海作废客户有限公司")
    contract_transition(actor=sales.manager, contract=voided, action="void", reason="重复")
    far = _contract(sales.other, "深圳南山机械有限公司")
    rows = [
        HEADER,
        [mine.number, "55000", "2026-11-20", "银行转账", "CMB20261120001", ""],
        [mine.number.lower(), "45000", "2026-11-25", "", "CMB20261125002", ""],  # the number in any case
        [mine.number, "1000", "2026-11-26", "", "CMB20261126003", ""],  # beyond the contract, no reason
        [mine.number, "800", "2026-11-27", "", "CMB20261127004", "客户多付运费"],  # beyond, with the reason
        [voided.number, "100", "2026-11-20", "", "X1", ""],
        [far.number, "100", "2026-11-20", "", "X2", ""],  # not the manager's contract
        ["HT999999", "100", "2026-11-20", "", "X3", ""],
        [mine.number, "-5", "2026-11-20", "", "X4", ""],
        [mine.number, "100", "明天", "", "X5", ""],
    ]
    with translation.override("zh-hans"):  # the method by its Chinese name
        preview = run_import(sales.manager, csv_bytes(rows), "回款.csv", record_type="receipts", dry_run=True)
        assert (preview.created_count, preview.rejected_count) == (3, 6)
        assert not Receipt.objects.exists()
        job = run_import(sales.manager, csv_bytes(rows), "回款.csv", record_type="receipts")
    assert (job.created_count, job.rejected_count) == (3, 6)
    mine.refresh_from_db()
    assert mine.received_amount == Decimal("100800") == sum(r.amount for r in Receipt.objects.filter(contract=mine))
    plans = list(PaymentPlan.objects.filter(contract=mine).order_by("sequence"))
    assert [p.received for p in plans] == [Decimal("40000"), Decimal("60000")]  # paid in order of due date
    assert Receipt.objects.get(reference="CMB20261127004").over_reason == "客户多付运费"
    assert not Receipt.objects.filter(contract__in=[voided, far]).exists()

    again = run_import(sales.manager, csv_bytes(rows[:5]), "回款.csv", record_type="receipts")
    assert again.created_count == 0 and Receipt.objects.count() == 3  # the same statement twice
