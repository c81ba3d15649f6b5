"""The approval engine on contracts (issue 16 §1; CUS-16): sequence, all-sign and any-sign steps,
rejection, sending back (退回), adding an approver (加签), withdrawal, the frozen document, and who
may act."""

import datetime
from decimal import Decimal

import pytest

from crm.approvals import services
from crm.approvals.flows import flow_save
from crm.approvals.models import Approval, ApprovalStatus, ApprovalTask, LogAction, TaskState
from crm.approvals.tests.conftest import big_flow, draft
from crm.core.errors import Conflict, NotFound, ValidationFailed
from crm.customers.models import Contract, ContractStatus, CustomerEvent
from crm.customers.services.contracts import contract_submit, contract_update
from crm.notifications.models import Notification

pytestmark = pytest.mark.django_db


def task_of(approval, user) -> ApprovalTask:
    return ApprovalTask.objects.get(approval=approval, approver=user, state=TaskState.PENDING)


def states(approval) -> list[tuple[int, str, str]]:
    return [(t.step, t.approver.username, t.state) for t in approval.tasks.select_related("approver")]


def test_two_in_order_then_all_sign_approves_the_contract(chain, customer):
    big_flow(chain)
    contract = draft(customer, chain.manager)
    approval = contract_submit(actor=chain.manager, contract=contract)
    contract.refresh_from_db()
    assert contract.status == ContractStatus.IN_APPROVAL
    assert states(approval) == [(0, "sup", TaskState.PENDING), (0, "exec", TaskState.WAITING)]
    assert Notification.objects.filter(recipient=chain.supervisor, kind="approval").count() == 1

    # In order: the executive's turn comes only after the supervisor's.
    with pytest.raises(NotFound):
        services.task_approve(actor=chain.executive, task_id=approval.tasks.get(approver=chain.supervisor).pk)
    services.task_approve(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk, comment="同意")
    assert states(approval)[1] == (0, "exec", TaskState.PENDING)
    services.task_approve(actor=chain.executive, task_id=task_of(approval, chain.executive).pk)

    # 会签: both of finance must approve.
    services.task_approve(actor=chain.finance1, task_id=task_of(approval, chain.finance1).pk)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING and approval.current_step == 1
    services.task_approve(actor=chain.finance2, task_id=task_of(approval, chain.finance2).pk)

    approval.refresh_from_db()
    contract.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED and approval.decided_at
    assert contract.status == ContractStatus.ACTIVE
    assert "250000.00" in approval.snapshot.values()  # the document as it was approved
    assert Notification.objects.filter(recipient=chain.manager, kind="approval").count() == 1  # approved
    actions = list(approval.log.values_list("action", flat=True))
    assert actions == [LogAction.SUBMIT, LogAction.APPROVE, LogAction.APPROVE, LogAction.APPROVE,
                       LogAction.APPROVE, LogAction.COMPLETE]
    # Every turn is on the customer's timeline.
    assert CustomerEvent.objects.filter(customer=customer, kind="contract.approval").count() == 6


def test_below_the_threshold_no_flow_applies_and_the_contract_enters_into_force(chain, customer):
    big_flow(chain)
    contract = draft(customer, chain.manager, amount="100000")  # not above 100,000
    assert contract_submit(actor=chain.manager, contract=contract) is None
    contract.refresh_from_db()
    assert contract.status == ContractStatus.ACTIVE
    assert not Approval.objects.exists()


def test_a_rejection_returns_the_contract_to_draft_with_the_reason(chain, customer):
    big_flow(chain)
    contract = draft(customer, chain.manager)
    approval = contract_submit(actor=chain.manager, contract=contract)
    with pytest.raises(ValidationFailed):
        services.task_reject(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk, reason="  ")
    services.task_reject(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk, reason="价格太低")
    approval.refresh_from_db()
    contract.refresh_from_db()
    assert approval.status == ApprovalStatus.REJECTED and approval.reason == "价格太低"
    assert contract.status == ContractStatus.DRAFT
    assert states(approval) == [(0, "sup", TaskState.REJECTED), (0, "exec", TaskState.CANCELLED)]
    assert Notification.objects.filter(recipient=chain.manager, body="价格太低").exists()
    # Back in draft, it can be changed and submitted again: a new approval, the old one kept.
    contract_update(actor=chain.manager, contract=contract, data={"amount": Decimal("260000")})
    again = contract_submit(actor=chain.manager, contract=contract)
    assert again.pk != approval.pk and Approval.objects.count() == 2


def test_sending_back_makes_the_earlier_step_decide_again(chain, customer):
    big_flow(chain)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    services.task_approve(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk)
    services.task_approve(actor=chain.executive, task_id=task_of(approval, chain.executive).pk)
    services.task_approve(actor=chain.finance1, task_id=task_of(approval, chain.finance1).pk)
    with pytest.raises(ValidationFailed):  # only an earlier step
        services.task_reject(actor=chain.finance2, task_id=task_of(approval, chain.finance2).pk, reason="x", back_to=1)
    services.task_reject(
        actor=chain.finance2, task_id=task_of(approval, chain.finance2).pk, reason="请补充付款条款", back_to=0
    )
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING and approval.current_step == 0
    open_tasks = [row for row in states(approval) if row[2] in (TaskState.PENDING, TaskState.WAITING)]
    assert open_tasks == [(0, "sup", TaskState.PENDING), (0, "exec", TaskState.WAITING)]
    assert approval.tasks.get(approver=chain.finance2, step=1).state == TaskState.RETURNED
    # The earlier step decides again, then finance again: all new tasks.
    for user in (chain.supervisor, chain.executive, chain.finance1, chain.finance2):
        services.task_approve(actor=user, task_id=task_of(approval, user).pk)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED


def test_nobody_outside_the_chain_can_act_and_the_chain_only_on_its_own_task(chain, customer):
    big_flow(chain)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    supervisor_task = task_of(approval, chain.supervisor)
    for outsider in (chain.colleague, chain.admin, chain.manager, chain.finance1):
        with pytest.raises(NotFound):
            services.task_approve(actor=outsider, task_id=supervisor_task.pk)
        with pytest.raises(NotFound):
            services.task_reject(actor=outsider, task_id=supervisor_task.pk, reason="不行")
    assert task_of(approval, chain.supervisor).state == TaskState.PENDING


def test_a_contract_in_approval_is_frozen(chain, customer):
    big_flow(chain)
    contract = draft(customer, chain.manager)
    contract_submit(actor=chain.manager, contract=contract)
    contract.refresh_from_db()
    with pytest.raises(Conflict) as error:
        contract_update(actor=chain.manager, contract=contract, data={"amount": Decimal("1")})
    assert error.value.code == "frozen"
    assert Contract.objects.get(pk=contract.pk).amount == Decimal("250000")


def test_a_draft_leaves_draft_only_through_approval_when_a_flow_applies(chain, customer):
    big_flow(chain)
    contract = draft(customer, chain.manager)
    with pytest.raises(ValidationFailed):
        contract_update(actor=chain.manager, contract=contract, data={"status": ContractStatus.ACTIVE})
    with pytest.raises(ValidationFailed):
        contract_update(actor=chain.manager, contract=contract, data={"status": ContractStatus.IN_APPROVAL})
    small = draft(customer, chain.manager, amount="5000")  # no flow applies: the status is free
    contract_update(actor=chain.manager, contract=small,
                    data={"status": ContractStatus.ACTIVE, "signed_on": datetime.date(2026, 1, 5)})
    assert Contract.objects.get(pk=small.pk).status == ContractStatus.ACTIVE


def test_submitting_twice_is_refused_by_the_database(chain, customer):
    big_flow(chain)
    contract = draft(customer, chain.manager)
    services.approval_submit(actor=chain.manager, document_type="contract", obj=contract)
    with pytest.raises(Conflict):
        services.approval_submit(actor=chain.manager, document_type="contract", obj=contract)
    assert Approval.objects.filter(status=ApprovalStatus.PENDING).count() == 1


def test_added_approver_must_also_approve(chain, customer):
    big_flow(chain)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    services.task_add_approver(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk,
                               user=chain.finance1, comment="请财务先看")
    with pytest.raises(ValidationFailed):  # already deciding in this step
        services.task_add_approver(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk,
                                   user=chain.executive)
    services.task_approve(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk)
    # In order: the added approver comes right after the one who added them, before the executive.
    assert [(u, s) for _step, u, s in states(approval)][:3] == [
        ("sup", TaskState.APPROVED), ("fin1", TaskState.PENDING), ("exec", TaskState.WAITING)
    ]
    services.task_approve(actor=chain.finance1, task_id=task_of(approval, chain.finance1).pk)
    assert task_of(approval, chain.executive)


def test_any_one_signs_for_the_step(chain, customer):
    steps = [{"name": "财务", "approver_kind": "users", "users": [chain.finance1, chain.finance2], "mode": "any"}]
    big_flow(chain, steps=steps)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    services.task_approve(actor=chain.finance2, task_id=task_of(approval, chain.finance2).pk)
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.APPROVED
    assert approval.tasks.get(approver=chain.finance1).state == TaskState.CANCELLED


def test_the_submitter_withdraws_and_the_contract_is_a_draft_again(chain, customer):
    big_flow(chain)
    contract = draft(customer, chain.manager)
    approval = contract_submit(actor=chain.manager, contract=contract)
    with pytest.raises(Conflict):  # in the chain, but not the submitter
        services.approval_withdraw(actor=chain.supervisor, approval_id=approval.pk)
    with pytest.raises(NotFound):
        services.approval_withdraw(actor=chain.colleague, approval_id=approval.pk)
    services.approval_withdraw(actor=chain.manager, approval_id=approval.pk, comment="改一下金额")
    approval.refresh_from_db()
    contract.refresh_from_db()
    assert approval.status == ApprovalStatus.WITHDRAWN and contract.status == ContractStatus.DRAFT
    assert not ApprovalTask.objects.filter(approval=approval, state__in=[TaskState.PENDING, TaskState.WAITING])
    with pytest.raises(Conflict):
        services.task_approve(actor=chain.supervisor, task_id=approval.tasks.get(approver=chain.supervisor).pk)


@pytest.mark.parametrize(
    ("on_self", "expected"),
    [("skip", [("exec", TaskState.PENDING)]), ("approve", [("sup", TaskState.PENDING)]),
     ("superior", [("exec", TaskState.PENDING)])],
)
def test_the_submitter_as_approver(chain, customer, on_self, expected):
    """The supervisor submits a contract whose one step names the supervisor."""
    steps = [{"name": "主管", "approver_kind": "users", "users": [chain.supervisor], "mode": "any"},
             {"name": "高管", "approver_kind": "users", "users": [chain.executive], "mode": "any"}]
    big_flow(chain, steps=steps, on_self=on_self)
    approval = contract_submit(actor=chain.supervisor, contract=draft(customer, chain.supervisor))
    assert [(u, s) for _step, u, s in states(approval)] == expected


@pytest.mark.parametrize(("rule", "outcome"), [("skip", "approved"), ("fallback", "fin1"), ("refuse", "refused")])
def test_a_step_without_approver(chain, customer, rule, outcome):
    """The department head of 华南大区 does not exist: the flow's rule decides."""
    steps = [{"name": "部门负责人", "approver_kind": "department_head", "department": chain.manager.department}]
    big_flow(chain, steps=steps, on_no_approver=rule, fallback_approver=chain.finance1)
    contract = draft(customer, chain.manager)
    if outcome == "refused":
        with pytest.raises(ValidationFailed):
            contract_submit(actor=chain.manager, contract=contract)
        assert Contract.objects.get(pk=contract.pk).status == ContractStatus.DRAFT
        return
    approval = contract_submit(actor=chain.manager, contract=contract)
    approval.refresh_from_db()
    if outcome == "approved":
        assert approval.status == ApprovalStatus.APPROVED
    else:
        assert states(approval) == [(0, outcome, TaskState.PENDING)]


def test_department_head_is_the_nearest_leader_up_the_tree(chain, customer, org):
    org.shanghai.leader = chain.supervisor
    org.shanghai.save(update_fields=["leader"])
    big_flow(chain, steps=[{"name": "部门负责人", "approver_kind": "department_head"}])
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    assert states(approval) == [(0, "sup", TaskState.PENDING)]


def test_cc_recipients_see_the_approval(chain, customer):
    steps = [{"name": "主管", "approver_kind": "superior", "cc_users": [chain.colleague]}]
    big_flow(chain, steps=steps)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    assert approval.ccs.filter(user=chain.colleague).exists()
    assert Notification.objects.filter(recipient=chain.colleague, kind="approval").exists()


def test_the_flow_in_force_at_submission_is_kept(chain, customer):
    flow = big_flow(chain)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    flow_save(actor=chain.admin, document_type="contract", flow=flow, data={"name": "改过的流程"},
              steps=[{"name": "只需财务", "approver_kind": "users", "users": [chain.finance1]}])
    flow.refresh_from_db()
    assert flow.version == 2 and flow.steps.count() == 1
    services.task_approve(actor=chain.supervisor, task_id=task_of(approval, chain.supervisor).pk)
    assert states(approval)[1] == (0, "exec", TaskState.PENDING)


def test_a_departing_approver_hands_open_decisions_to_the_successor(chain, customer):
    from crm.identity.services import user_depart

    big_flow(chain)
    approval = contract_submit(actor=chain.manager, contract=draft(customer, chain.manager))
    user_depart(actor=chain.admin, user=chain.supervisor, successor=chain.colleague)
    assert states(approval) == [(0, "mgr_b", TaskState.PENDING), (0, "exec", TaskState.WAITING)]
    services.task_approve(actor=chain.colleague, task_id=task_of(approval, chain.colleague).pk)
    assert task_of(approval, chain.executive)
