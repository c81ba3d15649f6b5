"""Demo services (`crm demo`): service agreements for the three types (SRV-6), then requests of
every type on demo customers, in every status (new, assigned, handled, archived, and one sent back
by a dissatisfied customer), written through the services as people would."""

from decimal import Decimal

from crm.core.demo import DemoLoader, register_demo
from crm.customers.models import Customer
from crm.dictionary.selectors import items
from crm.identity.models import User
from crm.service import services
from crm.service.models import Service, ServiceAgreement

# Service agreements by type (咨询, 建议, 投诉): response and resolution in working hours.
AGREEMENTS = [("1", 4, 16), ("2", 8, 40), ("3", 2, 16)]

REQUESTS = [
    ("1", "咨询发票开具流程", "客户财务询问如何开具增值税专用发票，需要提供哪些资料。"),
    ("3", "设备频繁死机", "客户反映上月交付的设备每天死机两三次，影响生产，要求尽快上门检修。"),
    ("2", "建议增加批量导出功能", "客户建议在订单查询页面增加批量导出 Excel 的功能。"),
    ("3", "送货延误投诉", "客户投诉本周订单比约定日期晚到三天，要求说明原因。"),
    ("1", "咨询产品保修期限", "客户询问主机和配件的保修期限分别是多久。"),
    ("2", "建议提供上门培训", "客户希望我们为新员工安排一次上门操作培训。"),
    ("3", "售后人员态度问题", "客户投诉售后电话客服态度生硬，问题没有解决。"),
    ("1", "咨询续约优惠政策", "客户询问明年续约是否有优惠。"),
    ("1", "咨询接口对接方式", "客户 IT 部门询问与其 ERP 对接的接口文档。"),
    ("3", "账单金额有误", "客户投诉本月账单多收了一项服务费。"),
]
HANDLINGS = [
    "电话详细说明，并发送操作指引邮件。",
    "安排工程师上门检查并更换故障部件。",
    "已与相关部门沟通，给出书面答复。",
]


def load(log) -> None:
    if Service.objects.exists():
        log("services: already loaded")
        return
    supervisor = User.objects.filter(roles__code="supervisor", department__isnull=False).order_by("id").first()
    agent = User.objects.filter(roles__code="service").order_by("id").first()
    managers = []
    if supervisor is not None:
        team = User.objects.filter(roles__code="manager", department__path__startswith=supervisor.department.path)
        managers = list(team.order_by("id")[:3])
    customers = list(Customer.objects.filter(manager__in=managers).order_by("id")[: len(REQUESTS)])
    if supervisor is None or not managers or not customers:
        log("services: no supervisor, managers or customers (load them first)")
        return
    types = {item.value: item for item in items("service_type")}
    if not ServiceAgreement.objects.exists():
        for kind, response, resolution in AGREEMENTS:
            ServiceAgreement.objects.create(
                type=types[kind], response_hours=Decimal(response), resolution_hours=Decimal(resolution)
            )
    for index, (kind, summary, request) in enumerate(REQUESTS):
        customer = customers[index % len(customers)]
        creator = agent if agent is not None and index % 2 else customer.manager
        service = services.service_create(
            actor=creator, customer=customer, data={"type": types[kind], "summary": summary, "request": request}
        )
        stage = index % 5  # 0 new, 1 assigned, 2 handled, 3 archived, 4 sent back and assigned again
        if stage == 0:
            continue
        handler = customer.manager
        services.service_assign(actor=supervisor, service=service, assignee=handler)
        if stage == 1:
            continue
        services.service_handle(actor=handler, service=service, handling=HANDLINGS[index % len(HANDLINGS)])
        if stage == 2:
            continue
        satisfaction = 2 if stage == 4 else 4 + index % 2
        result = "客户表示问题仍未解决。" if stage == 4 else "客户确认问题已解决。"
        services.service_feedback(actor=handler, service=service, result=result, satisfaction=satisfaction)
    log(f"services: {Service.objects.count()} loaded")


register_demo(DemoLoader(key="services", load=load, order=44))  # after customers and opportunities
