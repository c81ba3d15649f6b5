"""Demo sales administration (`crm demo`): the Shanghai branch's targets for the last three
months set by its superiors and last month's reviews, weekly reports written and scored, a flow
for expense claims above 5,000 CNY with claims at every step. Idempotent: loaded once."""

import datetime
from decimal import Decimal

from django.utils import timezone

from crm.approvals.flows import flow_save
from crm.approvals.models import ApprovalTask
from crm.approvals.services import task_approve
from crm.core.demo import DemoLoader, register_demo
from crm.dictionary.models import DictionaryItem
from crm.identity.models import Department, User
from crm.salesadmin.models import Target
from crm.salesadmin.periods import add_months, week
from crm.salesadmin.services.claims import claim_create, claim_pay, claim_submit
from crm.salesadmin.services.reports import report_create, report_review
from crm.salesadmin.services.targets import review_save, target_set

TEAM = ("manager", "zhoujie", "wufang", "zhengqiang")


def _flow(admin, executive) -> None:
    flow_save(
        actor=admin,
        document_type="expense_claim",
        data={"name": "大额费用报销", "priority": 10,
              "conditions": [{"field": "amount", "op": "gt", "value": "5000"}]},
        steps=[{"name": "直属上级", "approver_kind": "superior", "levels": 1, "mode": "sequence"},
               {"name": "总经理审批", "approver_kind": "users", "users": [executive], "mode": "any"}],
    )


def _targets(users: dict, today: datetime.date) -> None:
    supervisor, executive = users["supervisor"], users["executive"]
    first = today.replace(day=1)
    for back, factor in ((2, Decimal("0.9")), (1, Decimal("1.0")), (0, Decimal("1.1"))):
        month = add_months(first, -back)
        for index, username in enumerate(TEAM):
            if username in users:
                base = Decimal(300000 + 50000 * index) * factor
                target_set(actor=supervisor, month=month, user=users[username],
                           data={"won_amount": base, "received": base * Decimal("0.6"), "new_customers": 3 + index,
                                 "followups": 20 + 2 * index})
        target_set(actor=executive, month=month, user=supervisor,
                   data={"won_amount": Decimal(200000) * factor, "received": 120000, "new_customers": 2,
                         "followups": 10})
        branch = Department.objects.filter(code="E-SH").first()
        if branch is not None:
            target_set(actor=executive, month=month, department=branch,
                       data={"won_amount": Decimal(2000000) * factor, "received": 1200000, "new_customers": 20,
                             "followups": 120})
    last = add_months(first, -1)
    reviews = (("manager", 88, "回款及时，新客户开发略少。"), ("zhoujie", 76, "跟进次数不足，下月加强。"))
    for username, score, comment in reviews:
        if username in users:
            review_save(actor=supervisor, user=users[username], month=last, score=score, comment=comment)


def _reports(users: dict, today: datetime.date) -> None:
    last_week = week(today - datetime.timedelta(days=7)).start
    report = report_create(actor=users["manager"], kind="week", period_start=last_week, submit=True, data={
        "summary": "拜访上海浦江电子，确认二期需求；两家老客户续约谈判中。", "plan": "推进二期报价，催收十月回款。"})
    report_review(actor=users["supervisor"], report=report, score=85, comment="节奏不错，回款要盯紧。")
    if "zhoujie" in users:
        report_create(actor=users["zhoujie"], kind="week", period_start=last_week, submit=True,
                      data={"summary": "电话跟进 12 家客户，新增 1 家意向客户。", "plan": "安排两次上门拜访。"})


def _claims(users: dict, today: datetime.date) -> None:
    types = {item.value: item for item in DictionaryItem.objects.filter(category="expense_type")}
    manager, day = users["manager"], today - datetime.timedelta(days=3)

    def lines(*rows):
        return [{"expense_type": types[kind], "amount": Decimal(amount), "spent_on": day, "description": text}
                for kind, amount, text in rows]

    small = claim_create(actor=manager, data={"title": "市内拜访交通费"},
                         lines=lines(("transport", "86.50", "出租车"), ("entertainment", "120", "工作餐")))
    claim_submit(actor=manager, claim=small)
    claim_pay(actor=users["supervisor"], claim=small)
    trip = claim_create(actor=manager, data={"title": "杭州客户出差"}, lines=lines(
        ("travel", "1260", "往返高铁"), ("travel", "2400", "酒店三晚"), ("entertainment", "3800", "客户招待")))
    approval = claim_submit(actor=manager, claim=trip)
    task = ApprovalTask.objects.filter(approval=approval, approver=users["supervisor"], state="pending").first()
    if task is not None:
        task_approve(actor=users["supervisor"], task_id=task.pk, comment="同意，请总经理审批。")
    claim_create(actor=manager, data={"title": "展会物料"}, lines=lines(("office", "650", "宣传册印刷")))


def load(log) -> None:
    if Target.objects.exists():
        log("salesadmin: already loaded")
        return
    users = {u.username: u for u in User.objects.filter(username__in=("admin", "executive", "supervisor", *TEAM))}
    if not {"admin", "executive", "supervisor", "manager"} <= set(users):
        log("salesadmin: no demo users; skipped")
        return
    today = timezone.localdate()
    _flow(users["admin"], users["executive"])
    _targets(users, today)
    _reports(users, today)
    _claims(users, today)
    log("salesadmin: targets, reviews, reports and expense claims")


register_demo(DemoLoader(key="salesadmin", load=load, order=60))

from crm.salesadmin import commission_demo  # noqa: E402, F401  (commissions register their own loader)
