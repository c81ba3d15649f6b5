"""The approval pages: the inbox boxes, one approval for its chain only, the acts, and the designer
refusing a flow that would strand a document (400 with the reason on the form)."""

import pytest
from django.urls import reverse

from crm.approvals.models import ApprovalStatus, ApprovalTask, Flow, TaskState
from crm.approvals.tests.conftest import big_flow, draft
from crm.customers.models import ContractStatus
from crm.customers.services.contracts import contract_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def approval(chain, customer):
    big_flow(chain)
    return contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))


def test_the_inbox_shows_each_box(client, chain, approval):
    client.force_login(chain.supervisor)
    page = client.get(reverse("approvals:inbox")).content.decode()
    assert approval.title in page and 'data-testid="box-waiting"' in page
    assert approval.title not in client.get(reverse("approvals:inbox") + "?box=done").content.decode()
    client.force_login(chain.manager)
    assert approval.title in client.get(reverse("approvals:inbox") + "?box=submitted").content.decode()
    assert approval.title not in client.get(reverse("approvals:inbox")).content.decode()


def test_outside_the_chain_nothing_exists(client, chain, approval):
    task = ApprovalTask.objects.get(approval=approval, state=TaskState.PENDING)
    client.force_login(chain.colleague)
    assert client.get(reverse("approvals:detail", args=[approval.pk])).status_code == 404
    assert client.get(reverse("approvals:reject", args=[task.pk])).status_code == 404
    assert client.post(reverse("approvals:approve", args=[task.pk])).status_code == 404
    assert client.post(reverse("approvals:withdraw", args=[approval.pk])).status_code == 404
    task.refresh_from_db()
    assert task.state == TaskState.PENDING


def test_approve_and_reject_through_the_pages(client, chain, approval):
    task = ApprovalTask.objects.get(approval=approval, state=TaskState.PENDING)
    client.force_login(chain.supervisor)
    detail = client.get(reverse("approvals:detail", args=[approval.pk])).content.decode()
    assert 'data-testid="approve"' in detail
    response = client.post(reverse("approvals:approve", args=[task.pk]), {"comment": "同意"})
    assert response.status_code == 302
    task = ApprovalTask.objects.get(approval=approval, state=TaskState.PENDING)
    client.force_login(chain.executive)
    refused = client.post(reverse("approvals:reject", args=[task.pk]), {"reason": ""})
    assert refused.status_code == 400
    client.post(reverse("approvals:reject", args=[task.pk]), {"reason": "预算不足"})
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED and approval.reason == "预算不足"


def test_the_designer_refuses_an_unreachable_step(client, chain):
    client.force_login(chain.admin)
    data = {
        "type": "contract", "name": "合同审批", "priority": "10", "on_no_approver": "skip", "on_self": "skip",
        "remind_after_hours": "24", "is_active": "on",
        "c0_field": "amount", "c0_op": "gt", "c0_value": "100000",
        "steps-TOTAL_FORMS": "2", "steps-INITIAL_FORMS": "0", "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "20",
        "steps-0-name": "主管", "steps-0-approver_kind": "superior", "steps-0-levels": "1", "steps-0-mode": "any",
        "steps-1-name": "小额复核", "steps-1-approver_kind": "superior", "steps-1-levels": "1", "steps-1-mode": "any",
        "steps-1-c0_field": "amount", "steps-1-c0_op": "lt", "steps-1-c0_value": "5000",
    }
    response = client.post(reverse("approvals:flow_create") + "?type=contract", data)
    assert response.status_code == 400
    assert "小额复核" in response.content.decode() and not Flow.objects.exists()
    data["steps-1-c0_value"] = "500000"
    assert client.post(reverse("approvals:flow_create") + "?type=contract", data).status_code == 302
    flow = Flow.objects.get()
    assert [s.conditions for s in flow.steps.order_by("position")] == [
        [], [{"field": "amount", "op": "lt", "value": "500000"}]
    ]
    edit = client.get(reverse("approvals:flow_edit", args=[flow.pk])).content.decode()
    assert 'value="小额复核"' in edit and 'value="500000"' in edit


def test_only_designers_open_the_designer(client, chain):
    client.force_login(chain.supervisor)
    assert client.get(reverse("approvals:flows")).status_code == 403
    assert client.get(reverse("approvals:flow_create") + "?type=contract").status_code == 403


def test_a_contract_without_a_flow_enters_into_force_on_submit(client, chain, customer):
    contract = draft(customer, chain.manager)
    client.force_login(chain.manager)
    response = client.post(reverse("customers:contract_submit", args=[contract.pk]))
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
