"""Approvals through the API (API.md): the inbox, the acts, the flows; nobody outside the chain
sees or decides (404), bad bodies are 400 with the JSON error."""

import pytest

from crm.approvals.models import Approval, ApprovalStatus
from crm.approvals.tests.conftest import big_flow, draft
from crm.customers.models import ContractStatus
from crm.testing import api_client, api_error

pytestmark = pytest.mark.django_db


def submitted(chain, customer) -> int:
    big_flow(chain)
    contract = draft(customer, chain.manager)
    response = api_client(chain.manager).post(f"/api/v1/contracts/{contract.pk}/submit/")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == ContractStatus.IN_APPROVAL
    return response.json()["approval"]


def test_the_chain_decides_through_the_api(chain, customer):
    pk = submitted(chain, customer)
    inbox = api_client(chain.supervisor).get("/api/v1/approvals/?box=waiting").json()
    assert [row["id"] for row in inbox["results"]] == [pk] and inbox["results"][0]["task"]
    for user in (chain.supervisor, chain.executive, chain.finance1):
        assert api_client(user).post(f"/api/v1/approvals/{pk}/approve/", {"comment": "同意"}).status_code == 200
    body = api_client(chain.finance2).post(f"/api/v1/approvals/{pk}/approve/", {}, format="json").json()
    assert body["status"] == ApprovalStatus.APPROVED
    assert [t["state"] for t in body["tasks"]] == ["approved"] * 4
    assert api_client(chain.manager).get(f"/api/v1/contracts/{body['object_id']}/").json()["status"] == "active"
    done = api_client(chain.finance2).get("/api/v1/approvals/?box=done").json()
    assert [row["id"] for row in done["results"]] == [pk]
    mine = api_client(chain.manager).get("/api/v1/approvals/?box=submitted").json()
    assert [row["status"] for row in mine["results"]] == ["approved"]


def test_outsiders_get_404_and_waiting_approvers_409(chain, customer):
    pk = submitted(chain, customer)
    for outsider in (chain.colleague, chain.admin):
        client = api_client(outsider)
        api_error(client.get(f"/api/v1/approvals/{pk}/"), 404, "not_found")
        api_error(client.post(f"/api/v1/approvals/{pk}/approve/", {}), 404, "not_found")
        api_error(client.post(f"/api/v1/approvals/{pk}/reject/", {"reason": "不同意"}), 404, "not_found")
    # The executive is in the chain but not yet on turn; the submitter may look but not decide.
    api_error(api_client(chain.executive).post(f"/api/v1/approvals/{pk}/approve/", {}), 409, "no_task")
    api_error(api_client(chain.manager).post(f"/api/v1/approvals/{pk}/approve/", {}), 409, "no_task")
    assert Approval.objects.get(pk=pk).status == ApprovalStatus.PENDING


def test_reject_send_back_and_bad_bodies(chain, customer):
    pk = submitted(chain, customer)
    client = api_client(chain.supervisor)
    api_error(client.post(f"/api/v1/approvals/{pk}/reject/", {}), 400, "validation_error")
    api_error(client.post(f"/api/v1/approvals/{pk}/reject/", {"reason": "x", "back_to": 0}), 400, "validation_error")
    api_error(client.post(f"/api/v1/approvals/{pk}/reject/", {"reason": "x" * 2001}), 400, "validation_error")
    api_error(client.get("/api/v1/approvals/?box=everything"), 400, "validation_error")
    body = client.post(f"/api/v1/approvals/{pk}/reject/", {"reason": "条款不清"}).json()
    assert body["status"] == ApprovalStatus.REJECTED and body["reason"] == "条款不清"


def test_frozen_contract_answers_409_and_withdraw_unfreezes(chain, customer):
    pk = submitted(chain, customer)
    contract_id = Approval.objects.get(pk=pk).object_id
    client = api_client(chain.manager)
    api_error(client.patch(f"/api/v1/contracts/{contract_id}/", {"amount": "1.00"}), 409, "frozen")
    assert client.post(f"/api/v1/approvals/{pk}/withdraw/", {}).json()["status"] == ApprovalStatus.WITHDRAWN
    assert client.patch(f"/api/v1/contracts/{contract_id}/", {"amount": "1.00"}).status_code == 200


def test_flows_through_the_api(chain):
    client = api_client(chain.admin)
    flow = {
        "document_type": "contract",
        "name": "合同审批",
        "conditions": [{"field": "amount", "op": "gte", "value": "50000"}],
        "steps": [{"name": "主管", "approver_kind": "superior"},
                  {"name": "财务", "approver_kind": "users", "users": [chain.finance1.pk], "mode": "all"}],
    }
    created = client.post("/api/v1/approval-flows/", flow, format="json")
    assert created.status_code == 201, created.content
    assert [s["name"] for s in created.json()["steps"]] == ["主管", "财务"]
    unreachable = {**flow, "steps": [{"name": "小额", "approver_kind": "superior",
                                      "conditions": [{"field": "amount", "op": "lt", "value": "100"}]}]}
    error = api_error(client.put(f"/api/v1/approval-flows/{created.json()['id']}/", unreachable, format="json"), 400)
    assert "小额" in str(error["fields"]["steps"])
    api_error(api_client(chain.manager).post("/api/v1/approval-flows/", flow, format="json"), 403)
    api_error(client.post("/api/v1/approval-flows/", {**flow, "document_type": "nothing"}, format="json"), 400)
    assert client.delete(f"/api/v1/approval-flows/{created.json()['id']}/").status_code == 204
