"""The approval engine in a real browser, in zh-hans (issue 16 §1): the administrator designs a flow
for large contracts in the form-based designer (the submitter's two superiors in order, then
finance signing all); a manager submits a contract; the supervisor and the executive approve from
their inbox; finance sends it back to the first step with a reason (退回); someone outside the
chain is told the approval does not exist; the frozen contract offers no edit. Screenshots at
1366 and 390 width in /tmp/shots/."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from crm.approvals.models import Approval, ApprovalStatus
from crm.customers.services.contracts import contract_create
from crm.customers.testing import make_customer
from crm.testing import make_user, screenshots


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contract_through_a_designed_flow(org, login, page, live_server):
    make_user("admin", role="admin", department=org.head, name="王管理")
    executive = make_user("exec", role="executive", department=org.head, name="李总")
    supervisor = make_user("sup", role="supervisor", department=org.shanghai, name="张主管", superior=executive)
    manager = make_user("mgr", role="manager", department=org.sales1, name="刘洋", superior=supervisor)
    make_user("mgr_b", role="manager", department=org.sales1, name="周杰")
    make_user("fin1", role="manager", department=org.head, name="钱会计")
    make_user("fin2", role="manager", department=org.head, name="孙出纳")
    customer = make_customer(manager=manager, name="上海浦江电子有限公司")
    contract = contract_create(
        actor=manager, customer=customer, data={"title": "年度服务合同", "amount": Decimal("250000")}
    )

    # The administrator designs the flow.
    login("admin")
    page.get_by_role("link", name="审批流设置").first.click()
    page.get_by_test_id("flow-create").click()
    page.get_by_test_id("flow-create-contract").click()
    form = page.get_by_test_id("flow-form")
    form.get_by_label("名称").fill("大额合同审批")
    rows = form.get_by_test_id("condition-row")
    rows.nth(0).get_by_label("条件").select_option(label="金额")
    rows.nth(0).get_by_label("运算符").select_option(label=">")
    rows.nth(0).get_by_label("值").fill("100000")
    steps = form.get_by_test_id("step-form")
    first, second = steps.nth(0), steps.nth(1)
    first.get_by_label("节点").fill("上级审批")
    first.get_by_label("审批人", exact=True).select_option(label="提交人的上级")
    first.get_by_label("向上级数").fill("2")
    first.get_by_label("审批方式").select_option(label="依次审批")
    second.get_by_label("节点").fill("财务会签")
    second.get_by_label("审批人", exact=True).select_option(label="指定成员")
    second.get_by_label("指定审批人").select_option(label=["钱会计", "孙出纳"])
    second.get_by_label("审批方式").select_option(label="会签（全部同意）")
    screenshots(page, "approval-designer")
    form.get_by_test_id("flow-save").click()
    flow = page.get_by_test_id("flow").filter(has_text="大额合同审批")
    expect(flow).to_contain_text("金额 > 100000")
    expect(flow).to_contain_text("财务会签")

    # The manager submits the contract; it is frozen meanwhile.
    page.context.clear_cookies()
    login("mgr")
    page.goto(f"{live_server.url}/customers/contracts/{contract.pk}/")
    page.get_by_test_id("contract-submit").click()
    expect(page.get_by_test_id("approval-status")).to_have_text("审批中")
    expect(page.get_by_test_id("snapshot")).to_contain_text("250000.00")
    page.get_by_test_id("document-link").click()
    expect(page.get_by_test_id("contract-status")).to_have_text("审批中")
    expect(page.get_by_test_id("contract-edit")).to_have_count(0)
    approval = Approval.objects.get()

    def decide_as(username: str):
        page.context.clear_cookies()
        login(username)
        page.get_by_role("link", name="审批", exact=True).first.click()
        page.get_by_test_id("approval-row").filter(has_text="年度服务合同").get_by_test_id("approval-link").click()
        expect(page.get_by_test_id("approve")).to_be_visible()

    decide_as("sup")
    screenshots(page, "approval-detail")
    page.get_by_test_id("approve-form").get_by_label("意见").fill("同意，注意回款节点")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("task").filter(has_text="张主管")).to_contain_text("已同意")
    expect(page.get_by_test_id("approval-log")).to_contain_text("张主管 同意：同意，注意回款节点")

    decide_as("exec")
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("step").nth(1)).to_have_attribute("data-current", "1")

    # Finance sends it back to the first step with a reason.
    decide_as("fin1")
    page.get_by_test_id("reject").click()
    dialog = page.get_by_test_id("dialog-form")
    dialog.get_by_label("退回到").select_option(label="上级审批")
    dialog.get_by_label("原因").fill("请补充付款条款")
    dialog.get_by_test_id("dialog-save").click()
    expect(page.get_by_test_id("step").nth(0)).to_have_attribute("data-current", "1")
    expect(page.get_by_test_id("approval-log")).to_contain_text("请补充付款条款")
    approval.refresh_from_db()
    assert approval.status == ApprovalStatus.PENDING and approval.current_step == 0

    # Outside the chain, the approval does not exist.
    page.context.clear_cookies()
    login("mgr_b")
    response = page.goto(f"{live_server.url}/approvals/{approval.pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/approvals/")
    expect(page.get_by_test_id("approvals-empty")).to_be_visible()
    screenshots(page, "approval-inbox-empty")
