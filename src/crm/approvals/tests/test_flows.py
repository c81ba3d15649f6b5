"""Flow definitions are data, validated before they are saved (issue 16 §1): no step without an
approver rule, no step that can never be reached, conditions of the right shape."""

import pytest

from crm.approvals import conditions
from crm.approvals.flows import flow_save
from crm.approvals.models import Flow
from crm.approvals.registry import get
from crm.approvals.tests.conftest import big_flow
from crm.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

STEP = {"name": "主管", "approver_kind": "superior"}


def refused(chain, data=None, steps=None) -> dict:
    with pytest.raises(ValidationFailed) as error:
        flow_save(actor=chain.admin, document_type="contract", data={"name": "合同审批", **(data or {})},
                  steps=[STEP] if steps is None else steps)
    assert not Flow.objects.exists()
    return error.value.fields


def test_a_flow_needs_steps_each_with_an_approver_rule(chain):
    assert "steps" in refused(chain, steps=[])
    assert "steps" in refused(chain, steps=[{"name": "空步骤"}])
    assert "steps" in refused(chain, steps=[{"name": "指定人", "approver_kind": "users", "users": []}])
    assert "steps" in refused(chain, steps=[{"name": "角色", "approver_kind": "role"}])


def test_an_unreachable_step_is_refused(chain):
    fields = refused(
        chain,
        data={"conditions": [{"field": "amount", "op": "gt", "value": "100000"}]},
        steps=[STEP, {**STEP, "name": "小额复核", "conditions": [{"field": "amount", "op": "lte", "value": "5000"}]}],
    )
    assert any("小额复核" in str(message) for message in fields["steps"])


def test_contradictory_flow_conditions_and_bad_shapes_are_refused(chain):
    both = [{"field": "amount", "op": "gt", "value": "10"}, {"field": "amount", "op": "lt", "value": "10"}]
    assert "conditions" in refused(chain, data={"conditions": both})
    assert "conditions" in refused(chain, data={"conditions": [{"field": "colour", "op": "gt", "value": "1"}]})
    assert "conditions" in refused(chain, data={"conditions": [{"field": "amount", "op": "in", "value": "1"}]})
    assert "conditions" in refused(chain, data={"conditions": [{"field": "amount", "op": "gt", "value": "abc"}]})
    unknown_level = [{"field": "customer_level", "op": "in", "value": ["x"]}]
    assert "conditions" in refused(chain, data={"conditions": unknown_level})
    assert "conditions" in refused(chain, data={"conditions": "amount > 1"})
    assert "fallback_approver" in refused(chain, data={"on_no_approver": "fallback"})
    assert "webhook_url" in refused(chain, data={"webhook_url": "file:///etc/passwd"})
    assert "approved_status" in refused(chain, data={"approved_status": "terminated"})


def test_only_flow_designers_save_flows(chain):
    with pytest.raises(PermissionDenied):
        flow_save(actor=chain.manager, document_type="contract", data={"name": "x"}, steps=[STEP])


@pytest.mark.parametrize(
    ("items", "possible"),
    [
        ([("gt", "10"), ("lt", "20")], True),
        ([("gte", "10"), ("lte", "10")], True),
        ([("gt", "10"), ("lte", "10")], False),
        ([("eq", "5"), ("gt", "5")], False),
        ([("eq", "5"), ("gte", "5")], True),
        ([("lt", "0"), ("gt", "-1")], True),
    ],
)
def test_satisfiable_number_ranges(items, possible):
    assert conditions.satisfiable([{"field": "amount", "op": op, "value": v} for op, v in items]) is possible


def test_conditions_hold_at_the_boundary(chain):
    above = [{"field": "amount", "op": "gt", "value": "100000"}]
    assert not conditions.holds(above, {"amount": "100000"}, None)
    assert conditions.holds(above, {"amount": "100000.01"}, None)
    assert not conditions.holds(above, {"amount": None}, None)


def test_department_condition_tests_the_submitters_subtree(chain, org):
    under_east = [{"field": "department", "op": "under", "value": org.east.pk}]
    assert conditions.holds(under_east, {}, org.sales1.path)
    assert not conditions.holds(under_east, {}, org.sales2.path)
    assert not conditions.holds(under_east, {}, None)


def test_a_saved_flow_reads_as_a_person_writes_it(chain):
    flow = big_flow(chain)
    assert conditions.describe(flow.conditions, get("contract").condition_fields()) == "金额 > 100000"
    assert [s.name for s in flow.steps.order_by("position")] == ["上级审批", "财务会签"]
