"""Expense claims through the approval engine (issue 18, done means): above the threshold two
approvers decide; a rejection returns the claim with its reason; nobody outside the chain can
approve it, on the pages or in the API; the claim is frozen meanwhile; finance marks it paid."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.approvals.models import Approval, ApprovalStatus, ApprovalTask
from crm.approvals.services import task_approve, task_reject
from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, ValidationFailed
from crm.customers.testing import make_customer
from crm.salesadmin.models import ClaimStatus, ExpenseClaim
from crm.salesadmin.services.claims import claim_pay, claim_submit, claim_update
from crm.salesadmin.tests.conftest import a_claim, expense_type
from crm.testing import api_client, api_error

pytestmark = pytest.mark.django_db


def _task(approval, user):
    return ApprovalTask.objects.get(approval=approval, approver=user, state="pending")


def test_above_the_threshold_two_approvers_decide(chain, claims_flow):
    claim = a_claim(chain.manager, "4200.00", "1800.50")
    assert claim.total == 6000.50
    approval = claim_submit(actor=chain.manager, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_APPROVAL
    # Frozen while in approval.
    with pytest.raises(Conflict):
        claim_update(actor=chain.manager, claim=claim, data={"title": "改"}, lines=[])
    task_approve(actor=chain.supervisor, task_id=_task(approval, chain.supervisor).pk, comment="同意")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_APPROVAL  # the second approver has not decided yet
    task_approve(actor=chain.executive, task_id=_task(approval, chain.executive).pk)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and not claim.paid
    claim_pay(actor=chain.supervisor, claim=claim, paid_on=datetime.date(2026, 12, 1))
    claim.refresh_from_db()
    assert claim.paid and claim.paid_on == datetime.date(2026, 12, 1)
    with pytest.raises(Conflict):
        claim_pay(actor=chain.supervisor, claim=claim)  # not twice


def test_below_the_threshold_no_flow_applies(chain, claims_flow):
    claim = a_claim(chain.manager, "300")
    assert claim_submit(actor=chain.manager, claim=claim) is None
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED


def test_a_rejection_returns_the_claim_with_its_reason(chain, claims_flow):
    claim = a_claim(chain.manager, "8000")
    approval = claim_submit(actor=chain.manager, claim=claim)
    task_reject(actor=chain.supervisor, task_id=_task(approval, chain.supervisor).pk, reason="缺少住宿发票")
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.DRAFT and claim.returned_reason == "缺少住宿发票"
    # Back in the claimant's hands: changed and submitted again, the reason goes.
    claim_update(actor=chain.manager, claim=claim, data={"title": claim.title}, lines=[
        {"expense_type": expense_type("transport"), "amount": "7000", "spent_on": datetime.date(2026, 11, 21)}])
    claim_submit(actor=chain.manager, claim=claim)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.IN_APPROVAL and claim.returned_reason == ""


def test_nobody_outside_the_chain_approves_on_the_pages(client, chain, claims_flow):
    claim = a_claim(chain.manager, "9000")
    approval = claim_submit(actor=chain.manager, claim=claim)
    task = _task(approval, chain.supervisor)
    for outsider in (chain.colleague, chain.finance1, chain.admin):
        client.force_login(outsider)
        assert client.get(reverse("approvals:detail", args=[approval.pk])).status_code == 404
        assert client.post(reverse("approvals:approve", args=[task.pk])).status_code == 404
        assert client.post(reverse("approvals:reject", args=[task.pk]), {"reason": "x"}).status_code == 404
    # A colleague does not even see the claim.
    client.force_login(chain.colleague)
    assert client.get(reverse("salesadmin:claim_detail", args=[claim.pk])).status_code == 404
    assert Approval.objects.get(pk=approval.pk).status == ApprovalStatus.PENDING
    client.force_login(chain.supervisor)
    assert client.post(reverse("approvals:approve", args=[task.pk]), {"comment": "同意"}).status_code == 302
    assert ApprovalTask.objects.get(pk=task.pk).state == "approved"


def test_the_whole_flow_through_the_api(chain, claims_flow):
    travel = expense_type()
    manager = api_client(chain.manager)
    body = {"title": "客户拜访", "lines": [
        {"expense_type": travel.pk, "amount": "3000.00", "spent_on": "2026-11-02"},
        {"expense_type": travel.pk, "amount": "2500.00", "spent_on": "2026-11-03", "description": "机票"}]}
    created = manager.post("/api/v1/expense-claims/", body, format="json")
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["total"] == "5500.00"
    submitted = manager.post(f"/api/v1/expense-claims/{pk}/submit/")
    assert submitted.json()["status"] == "in_approval"
    api_error(manager.put(f"/api/v1/expense-claims/{pk}/", body, format="json"), 409, "frozen")
    approval = Approval.objects.get(document_type="expense_claim", object_id=pk)
    for outsider in (chain.colleague, chain.finance1):
        api_error(api_client(outsider).post(f"/api/v1/approvals/{approval.pk}/approve/", {}), 404, "not_found")
        api_error(api_client(outsider).get(f"/api/v1/expense-claims/{pk}/"), 404, "not_found")
    # The second approver joins the chain when the first step is done: before that, nothing to decide.
    api_error(api_client(chain.executive).post(f"/api/v1/approvals/{approval.pk}/approve/", {}), 404)
    for user in (chain.supervisor, chain.executive):
        assert api_client(user).post(f"/api/v1/approvals/{approval.pk}/approve/", {}).status_code == 200
    assert manager.get(f"/api/v1/expense-claims/{pk}/").json()["status"] == "approved"
    # Finance: the manager may not mark it paid, the supervisor may.
    api_error(manager.post(f"/api/v1/expense-claims/{pk}/paid/", {}), 403)
    paid = api_client(chain.supervisor).post(f"/api/v1/expense-claims/{pk}/paid/", {"paid_on": "2026-12-02"})
    assert paid.json()["paid"] is True and paid.json()["paid_on"] == "2026-12-02"
    assert AuditEvent.objects.filter(object_id=str(pk), changes__has_key="paid").exists()


def test_bad_input_is_400_in_zh(chain):
    manager = api_client(chain.manager)
    travel = expense_type()
    cases = [
        {"title": "", "lines": []},
        {"title": "x", "lines": []},
        {"title": "x", "lines": [{"expense_type": travel.pk, "amount": "-1", "spent_on": "2026-11-02"}]},
        {"title": "x", "lines": [{"expense_type": 999999, "amount": "10", "spent_on": "2026-11-02"}]},
        {"title": "x", "lines": [{"expense_type": travel.pk, "amount": "10", "spent_on": "2099-01-01"}]},
        {"title": "x", "lines": [{"expense_type": travel.pk, "amount": "abc", "spent_on": "2026-11-02"}]},
        {"title": "x", "lines": "nonsense"},
    ]
    for body in cases:
        error = api_error(manager.post("/api/v1/expense-claims/", body, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans"),
                          400)
        assert error["fields"], body
    assert not ExpenseClaim.objects.exists()


def test_lines_name_only_the_claimants_customers(chain):
    own = make_customer(manager=chain.manager, name="上海浦江电子有限公司")
    foreign = make_customer(manager=chain.colleague, name="苏州工业园某公司")
    line = {"expense_type": expense_type(), "amount": "100", "spent_on": datetime.date(2026, 11, 2)}
    a_claim(chain.manager, "1")  # the numbering works
    from crm.salesadmin.services.claims import claim_create

    claim = claim_create(actor=chain.manager, data={"title": "招待"}, lines=[{**line, "customer": own}])
    assert claim.lines.get().customer == own
    with pytest.raises(ValidationFailed) as refused:
        claim_create(actor=chain.manager, data={"title": "招待"}, lines=[{**line, "customer": foreign}])
    assert "lines.0.customer" in refused.value.fields


def test_receipts_are_checked_and_served_in_scope(client, chain):
    line = {"expense_type": expense_type(), "amount": "100", "spent_on": datetime.date(2026, 11, 2)}
    from crm.salesadmin.services.claims import claim_create

    fake = SimpleUploadedFile("发票.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    with pytest.raises(ValidationFailed) as refused:
        claim_create(actor=chain.manager, data={"title": "x"}, lines=[{**line, "receipt": fake}])
    assert "lines.0.receipt" in refused.value.fields
    pdf = SimpleUploadedFile("发票.pdf", b"%PDF-1.4 a receipt", content_type="application/pdf")
    claim = claim_create(actor=chain.manager, data={"title": "x"}, lines=[{**line, "receipt": pdf}])
    stored = claim.lines.get()
    client.force_login(chain.supervisor)
    response = client.get(reverse("salesadmin:line_receipt", args=[stored.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    client.force_login(chain.colleague)
    assert client.get(reverse("salesadmin:line_receipt", args=[stored.pk])).status_code == 404


def test_receipts_through_the_api(chain):
    claim = a_claim(chain.manager, "100")
    line = claim.lines.get()
    manager = api_client(chain.manager)
    url = f"/api/v1/expense-claims/{claim.pk}/lines/{line.pk}/receipt/"
    png = SimpleUploadedFile("票据.png", b"\x89PNG\r\n\x1a\n....", content_type="image/png")
    answer = manager.post(url, {"file": png}, format="multipart")
    assert answer.status_code == 200, answer.content
    assert answer.json()["lines"][0]["has_receipt"] is True
    fake = SimpleUploadedFile("票据.png", b"GIF89a", content_type="image/png")
    api_error(manager.post(url, {"file": fake}, format="multipart"), 400, "validation_error")
    api_error(manager.post(url, {}, format="multipart"), 400)
    api_error(manager.post(f"/api/v1/expense-claims/{claim.pk}/lines/999999/receipt/", {}, format="multipart"), 404)
    api_error(api_client(chain.colleague).post(url, {"file": png}, format="multipart"), 404)
