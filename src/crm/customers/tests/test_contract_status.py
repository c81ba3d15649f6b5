"""The contract's status flow (issue 16 §3; CUS-16): draft → signed → in force → completed, terminated
or void with a reason; what administrators require of each status; approval where a flow applies;
the closed contract keeps its terms. Services, pages and API."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from crm.approvals.tests.conftest import big_flow, chain  # noqa: F401  (fixture)
from crm.audit.models import AuditEvent
from crm.core.errors import Conflict, ValidationFailed
from crm.core.states import IllegalTransition
from crm.customers import contract_rules
from crm.customers.models import Contract, ContractStatus, ContractStatusRule, CustomerEvent
from crm.customers.services.contracts import contract_create, contract_transition, contract_update
from crm.customers.services.files import attachment_upload
from crm.customers.testing import make_customer
from crm.customers.tests.test_api_customers import client_for

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def customer(sales):
    return make_customer(manager=sales.manager, name="苏州工业园区精工机械有限公司")


def _draft(customer, actor, **data):
    return contract_create(actor=actor, customer=customer,
                           data={"title": "年度设备维保", "amount": Decimal("80000"), **data})


def _step(contract, actor, action, reason=""):
    return contract_transition(actor=actor, contract=contract, action=action, reason=reason)


def test_the_flow_from_draft_to_completed_asks_for_what_each_status_needs(sales, customer):
    contract = _draft(customer, sales.manager)
    with pytest.raises(ValidationFailed) as refused:  # the migrated default: signed needs its date
        _step(contract, sales.manager, "sign")
    assert "signed_on" not in str(refused.value.fields) and refused.value.fields["status"]
    contract_update(actor=sales.manager, contract=contract, data={"signed_on": datetime.date(2026, 11, 20)})
    assert _step(contract, sales.manager, "sign").status == ContractStatus.SIGNED
    assert _step(contract, sales.manager, "activate").status == ContractStatus.ACTIVE
    assert _step(contract, sales.manager, "complete").status == ContractStatus.COMPLETED
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.COMPLETED
    customer.refresh_from_db()
    assert customer.last_deal_on == datetime.date(2026, 11, 20)  # a signed contract is a deal
    kinds = list(CustomerEvent.objects.filter(customer=customer, kind="contract.status").values_list("data", flat=True))
    assert [(d["from"], d["to"]) for d in sorted(kinds, key=lambda d: ["draft", "signed", "active"].index(d["from"]))] \
        == [("draft", "signed"), ("signed", "active"), ("active", "completed")]
    with pytest.raises(IllegalTransition):  # completed is closed
        _step(contract, sales.manager, "void", "录错了")
    with pytest.raises(Conflict):  # a closed contract keeps its terms …
        contract_update(actor=sales.manager, contract=contract, data={"amount": Decimal("1")})
    contract_update(actor=sales.manager, contract=contract, data={"notes": "已验收"})  # … but not its notes
    assert Contract.objects.get(pk=contract.pk).notes == "已验收"


def test_terminating_and_voiding_need_a_reason_which_is_kept(sales, customer):
    contract = _draft(customer, sales.manager, signed_on=datetime.date(2026, 10, 1), status=ContractStatus.ACTIVE)
    with pytest.raises(ValidationFailed) as refused:
        _step(contract, sales.manager, "terminate", "   ")
    assert "status_reason" in refused.value.fields
    _step(contract, sales.manager, "terminate", "客户经营困难，双方协商终止")
    contract.refresh_from_db()
    assert (contract.status, contract.status_reason) == (ContractStatus.TERMINATED, "客户经营困难，双方协商终止")
    assert AuditEvent.objects.filter(object_id=str(contract.pk), changes__status__1="terminated").exists()
    draft = _draft(customer, sales.manager)
    _step(draft, sales.manager, "void", "重复录入")
    assert Contract.objects.get(pk=draft.pk).status == ContractStatus.VOID
    with pytest.raises(ValidationFailed):  # nobody records a contract as void or terminated directly
        _draft(customer, sales.manager, status=ContractStatus.VOID)


def test_administrators_choose_what_a_status_requires(sales, customer, admin_user):
    contract_rules.rules_save(actor=admin_user, required={"active": ["signed_on", "end_on", "attachment"]})
    assert contract_rules.rules()["active"] == ["signed_on", "end_on", "attachment"]
    assert contract_rules.rules()["signed"] == []  # saved as given: nothing ticked for signed
    contract = _draft(customer, sales.manager, signed_on=datetime.date(2026, 11, 1))
    with pytest.raises(ValidationFailed) as refused:
        _step(contract, sales.manager, "activate")
    message = str(refused.value.fields["status"][0])
    assert "End date" in message or "结束日期" in message or "截止" in message
    contract_update(actor=sales.manager, contract=contract, data={"end_on": datetime.date(2027, 10, 31)})
    with pytest.raises(ValidationFailed):  # still no signed scan attached
        _step(contract, sales.manager, "activate")
    attachment_upload(actor=sales.manager, customer=customer, contract=contract,
                      upload=SimpleUploadedFile("合同扫描件.pdf", PDF, content_type="application/pdf"))
    assert _step(contract, sales.manager, "activate").status == ContractStatus.ACTIVE
    from crm.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):  # a salesperson does not set the rules
        contract_rules.rules_save(actor=sales.manager, required={})


def test_where_a_flow_applies_the_contract_leaves_draft_only_through_approval(chain, customer):  # noqa: F811
    big_flow(chain)
    contract = _draft(customer, chain.manager, amount=Decimal("250000"), signed_on=datetime.date(2026, 11, 1))
    with pytest.raises(ValidationFailed):
        _step(contract, chain.manager, "sign")
    with pytest.raises(ValidationFailed):  # nor is it recorded as signed to begin with
        _draft(customer, chain.manager, amount=Decimal("250000"), status=ContractStatus.SIGNED,
               signed_on=datetime.date(2026, 11, 1))
    assert _step(contract, chain.manager, "void", "报价有误").status == ContractStatus.VOID  # voiding needs none


def test_the_page_shows_the_steps_and_the_void_dialog_asks_for_the_reason(client, sales, customer):
    contract = _draft(customer, sales.manager, signed_on=datetime.date(2026, 11, 1))
    client.force_login(sales.manager)
    page = client.get(reverse("customers:contract_detail", args=[contract.pk])).content.decode()
    for action in ("sign", "activate", "void"):
        assert f'data-testid="contract-step-{action}"' in page
    assert 'data-testid="contract-step-complete"' not in page
    url = reverse("customers:contract_transition", args=[contract.pk, "void"])
    assert client.post(url, {"reason": ""}).status_code == 400
    assert Contract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT
    response = client.post(url, {"reason": "客户取消采购"})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert (contract.status, contract.status_reason) == (ContractStatus.VOID, "客户取消采购")
    page = client.get(reverse("customers:contract_detail", args=[contract.pk])).content.decode()
    assert "客户取消采购" in page and 'data-testid="contract-step-' not in page
    assert client.get(reverse("customers:contract_transition", args=[contract.pk, "explode"])).status_code == 404
    client.force_login(sales.other)  # not in their scope: it does not exist
    assert client.post(reverse("customers:contract_transition", args=[contract.pk, "sign"])).status_code == 404


def test_the_settings_page_saves_the_rules_for_administrators_only(client, sales, admin_user):
    url = reverse("customers:settings_contracts")
    client.force_login(sales.manager)  # reads what is required, cannot change it
    assert "<fieldset disabled>" in client.get(url).content.decode()
    assert client.post(url, {"signed": []}).status_code == 403
    client.force_login(admin_user)
    page = client.get(url).content.decode()
    assert 'data-status="active"' in page and 'data-status="void"' in page
    response = client.post(url, {"signed": ["signed_on", "attachment"], "active": ["signed_on", "start_on"]})
    assert response.status_code == 302
    assert dict(ContractStatusRule.objects.values_list("status", "required"))["signed"] == ["signed_on", "attachment"]
    assert client.post(url, {"signed": ["no_such_thing"]}).status_code == 400


def test_the_api_moves_a_contract_and_answers_each_refusal(sales, customer):
    contract = _draft(customer, sales.manager)
    api = client_for(sales.manager)
    url = f"/api/v1/contracts/{contract.pk}/transition/"
    refused = api.post(url, {"action": "sign"}, format="json")
    assert refused.status_code == 400 and "status" in refused.json()["error"]["fields"]
    assert api.post(url, {"action": "complete"}, format="json").status_code == 409
    assert api.post(url, {"action": "fly"}, format="json").status_code == 400
    assert api.post(url, {"action": "void"}, format="json").status_code == 400  # no reason
    answer = api.post(url, {"action": "void", "reason": "重复"}, format="json")
    assert answer.status_code == 200
    assert (answer.json()["status"], answer.json()["status_reason"]) == ("void", "重复")
    assert client_for(sales.other).post(url, {"action": "void", "reason": "x"}, format="json").status_code == 404
