import datetime
from decimal import Decimal

import pytest

from crm.approvals.flows import flow_save
from crm.approvals.tests.conftest import chain  # noqa: F401  (the approvers: supervisor, executive, finance)
from crm.dictionary.models import DictionaryItem
from crm.salesadmin.services.claims import claim_create


def expense_type(value: str = "travel") -> DictionaryItem:
    return DictionaryItem.objects.get(category="expense_type", value=value)


def two_approvers(approvers):
    """Expense claims above 5,000 CNY: the claimant's superior, then the executive (a second approver)."""
    return flow_save(
        actor=approvers.admin,
        document_type="expense_claim",
        data={"name": "大额费用报销", "conditions": [{"field": "amount", "op": "gt", "value": "5000"}]},
        steps=[
            {"name": "上级审批", "approver_kind": "superior", "levels": 1, "mode": "sequence"},
            {"name": "总经理审批", "approver_kind": "users", "users": [approvers.executive], "mode": "any"},
        ],
    )


def a_claim(user, *amounts, title="十一月上海出差"):
    lines = [{"expense_type": expense_type(), "amount": Decimal(amount), "spent_on": datetime.date(2026, 11, 20),
              "description": "高铁"} for amount in amounts]
    return claim_create(actor=user, data={"title": title}, lines=lines)


@pytest.fixture
def claims_flow(chain):  # noqa: F811  (the imported fixture)
    return two_approvers(chain)
