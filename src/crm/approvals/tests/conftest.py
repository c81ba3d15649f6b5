import datetime
from decimal import Decimal

import pytest

from crm.approvals.flows import flow_save
from crm.customers.services.contracts import contract_create
from crm.customers.testing import make_customer


@pytest.fixture
def chain(sales, make_user, admin_user, org):
    """The approvers: the manager's superior (the supervisor), whose superior is the executive, two
    people of finance, and the administrator who designs flows."""

    class Chain:
        manager, supervisor, executive, colleague = sales.manager, sales.supervisor, sales.executive, sales.colleague
        finance1 = make_user("fin1", role="manager", department=org.head, name="钱会计")
        finance2 = make_user("fin2", role="manager", department=org.head, name="孙出纳")
        admin = admin_user

    sales.supervisor.superior = sales.executive
    sales.supervisor.save(update_fields=["superior"])
    return Chain


def big_flow(chain, **overrides):
    """Contracts above 100,000: the submitter's superior and the superior's superior in order, then
    finance signing all (会签)."""
    data = {"name": "大额合同审批", "conditions": [{"field": "amount", "op": "gt", "value": "100000"}], **overrides}
    steps = overrides.pop("steps", None) or [
        {"name": "上级审批", "approver_kind": "superior", "levels": 2, "mode": "sequence"},
        {"name": "财务会签", "approver_kind": "users", "users": [chain.finance1, chain.finance2], "mode": "all"},
    ]
    return flow_save(actor=chain.admin, document_type="contract", data=data, steps=steps)


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="上海浦江电子有限公司")


def draft(customer, actor, amount="250000"):
    return contract_create(actor=actor, customer=customer, data={
        "title": "年度服务合同", "amount": Decimal(amount), "signed_on": datetime.date(2026, 11, 30)})
