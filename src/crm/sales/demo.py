"""Demo money (`crm demo`): the approval flows of a company that approves large contracts, then
payment plans, receipts (some instalments overdue) and invoices on the demo contracts in force, and
two drafts of the demo manager in approval, so the inbox, the ageing report and the workbench show
something."""

import datetime
import random
from decimal import Decimal

from django.utils import timezone

from crm.approvals.flows import flow_save
from crm.approvals.models import Flow
from crm.core.demo import DemoLoader, register_demo
from crm.customers.models import Contract, ContractStatus, Customer
from crm.customers.normalise import credit_code_check_char
from crm.customers.services.contracts import contract_submit, contract_transition
from crm.identity.models import User
from crm.orders.models import Product
from crm.sales.models import QuoteStatus
from crm.sales.services.invoices import invoice_request
from crm.sales.services.payments import plan_create, receipt_create
from crm.sales.services.quotes import quote_answer, quote_convert, quote_create, quote_submit

CONTRACTS = 120


def _flows(admin) -> None:
    flow_save(
        actor=admin,
        document_type="contract",
        data={"name": "大额合同审批", "priority": 10,
              "conditions": [{"field": "amount", "op": "gt", "value": "1000000"}]},
        steps=[
            {"name": "上级审批", "approver_kind": "superior", "levels": 2, "mode": "sequence"},
            {"name": "财务会签", "approver_kind": "role", "role": _role("admin"), "mode": "any"},
        ],
    )
    flow_save(
        actor=admin,
        document_type="contract",
        data={"name": "合同审批", "priority": 20, "conditions": [{"field": "amount", "op": "gt", "value": "200000"}]},
        steps=[{"name": "直属上级", "approver_kind": "superior", "levels": 1}],
    )


def _role(code: str):
    from crm.access.models import Role

    return Role.objects.get(code=code)


def _tax_id(rng) -> str:
    body = "9131" + "".join(rng.choice("0123456789") for _ in range(4)) + "MA" + "".join(
        rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(7))
    return body + credit_code_check_char(body)


def load(log) -> None:
    if Flow.objects.exists():
        log("sales: already loaded")
        return
    rng = random.Random(16)
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        log("sales: no demo administrator; skipped")
        return
    _flows(admin)
    today = timezone.localdate()
    plans = receipts = invoices = 0
    contracts = Contract.objects.filter(status__in=[ContractStatus.ACTIVE, ContractStatus.COMPLETED],
                                        owner__isnull=False, signed_on__isnull=False).select_related("owner")
    for contract in contracts.order_by("id")[:CONTRACTS]:
        actor = contract.owner
        parts = rng.choice([1, 2, 3])
        share = (contract.amount / parts).quantize(Decimal("0.01"))
        for n in range(parts):
            due = contract.signed_on + datetime.timedelta(days=30 + 90 * n)
            amount = share if n < parts - 1 else contract.amount - share * (parts - 1)
            plan_create(actor=actor, contract=contract, data={"amount": amount, "due_on": due})
            plans += 1
            if due < today and rng.random() < 0.7:
                paid = amount if rng.random() < 0.8 else (amount / 2).quantize(Decimal("0.01"))
                received_on = min(today, due + datetime.timedelta(days=rng.randint(0, 20)))
                receipt_create(actor=actor, contract=contract, data={
                    "amount": paid, "received_on": received_on, "method": rng.choice(["transfer", "transfer", "bill"]),
                    "account": "招商银行上海分行 1219 0987 6510 001"})
                receipts += 1
        if rng.random() < 0.5:
            invoice_request(actor=actor, contract=contract, data={
                "amount": contract.amount, "kind": rng.choice(["normal", "special"]), "tax_rate": "13",
                "items": "技术服务费", "name": contract.customer.name, "tax_id": _tax_id(rng),
                "address": "上海市浦东新区张江路 88 号", "phone": "021-58881234", "bank": "招商银行张江支行",
                "account": "121909876510001"})
            invoices += 1
    submitted = 0
    manager = User.objects.filter(username="manager").first()
    for contract in Contract.objects.filter(status=ContractStatus.DRAFT, owner=manager, amount__gt=200000)[:2]:
        contract_submit(actor=manager, contract=contract)
        submitted += 1
    quoted = _quotes(manager, rng, today) if manager else 0
    log(f"sales: 2 approval flows, {plans} instalments, {receipts} receipts, {invoices} invoice requests, "
        f"{submitted} contracts in approval, {quoted} quotes (one converted into a contract with its lines)")


def _quotes(manager, rng, today) -> int:
    """The chain's start: quotes of the manager's customers, priced from the ERP's products where the
    orders demo made some; one accepted and converted, one sent, one still a draft; a contract voided."""
    products = list(Product.objects.filter(price__isnull=False).order_by("id")[:6])
    customers = list(Customer.objects.filter(manager=manager).order_by("id")[:3])
    made = 0
    for index, customer in enumerate(customers):
        picked = rng.sample(products, k=min(2, len(products)))
        lines = [{"product": product, "description": "", "quantity": rng.choice([1, 2, 5]),
                  "unit_price": product.price, "discount": rng.choice([0, 0, 5])} for product in picked]
        lines.append({"description": "安装调试与培训", "quantity": 1, "unit_price": Decimal("6000")})
        quote = quote_create(actor=manager, customer=customer, lines=lines, data={
            "title": f"{customer.name[:8]}设备采购报价", "tax_rate": "13",
            "valid_until": today + datetime.timedelta(days=20 + 10 * index),
            "notes": "报价含运费；交货期：合同签订后 30 天内。"})
        made += 1
        if index < 2:
            quote_submit(actor=manager, quote=quote)
            quote.refresh_from_db()
        if index == 0 and quote.status == QuoteStatus.APPROVED:
            quote_answer(actor=manager, quote=quote, action="accept")
            quote_convert(actor=manager, quote=quote)
    spare = Contract.objects.filter(status=ContractStatus.DRAFT, owner=manager, amount__lt=200000).first()
    if spare is not None:
        contract_transition(actor=manager, contract=spare, action="void", reason="客户改为签订年度框架合同")
    return made


register_demo(DemoLoader(key="sales", load=load, order=48))  # after the customers' contracts
