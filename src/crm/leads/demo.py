"""Demo leads (`crm demo`): owned, in the pool, followed up, converted and disqualified, and a
few from the web form; written through the services."""

from crm.core.demo import DemoLoader, register_demo
from crm.dictionary.models import Region
from crm.dictionary.selectors import items
from crm.identity.models import User
from crm.leads import services
from crm.leads.models import Lead

LEADS = [
    ("上海张江生物医药有限公司", "陆明", "13801760001", "上海", "想了解销售管理系统"),
    ("苏州吴中精密模具厂", "钱亮", "13915120002", "江苏", "需要管理经销商"),
    ("杭州西溪电商园区管理有限公司", "何静", "13757180003", "浙江", "园区招商客户管理"),
    ("南通海门建材有限公司", "曹阳", "13862860004", "江苏", "展会留下名片"),
    ("湖州安吉竹业有限公司", "潘丽", "13857290005", "浙江", "官网留言"),
    ("嘉善木业集团", "邹平", "13905730006", "浙江", "电话咨询报价"),
    ("上海松江物流园", "戴军", "13916200007", "上海", "需要客服工单系统"),
    ("无锡新吴半导体材料有限公司", "严芳", "13771060008", "江苏", "合作伙伴推荐"),
]


def load(log) -> None:
    if Lead.objects.exists():
        log("leads: already loaded")
        return
    supervisor = User.objects.filter(roles__code="supervisor", department__isnull=False).order_by("id").first()
    managers = []
    if supervisor is not None:
        team = User.objects.filter(roles__code="manager", department__path__startswith=supervisor.department.path)
        managers = list(team.order_by("id")[:3])
    if not managers:
        log("leads: no supervisor or managers (load the organisation first)")
        return
    provinces = {region.name.rstrip("市省"): region for region in Region.objects.filter(level="province")}
    region, sources = items("region").first(), list(items("customer_source")[:4])
    for index, (company, name, mobile, province, notes) in enumerate(LEADS):
        data = {
            "company": company,
            "name": name,
            "mobile": mobile,
            "notes": notes,
            "province": provinces.get(province),
            "source": sources[index % len(sources)] if sources else None,
        }
        owner = managers[index % len(managers)]
        lead = services.lead_create(actor=supervisor, data=data, to_pool=index % 4 == 3, confirm_duplicates=True)
        if index % 4 == 3:
            continue  # in the pool
        services.leads_assign(actor=supervisor, leads=[lead], owner=owner)
        if index % 4 >= 1:
            services.lead_follow_up(actor=owner, lead=lead, content="电话沟通，了解需求")
        if index == 2:
            opportunity = {"summary": notes, "probability": 30}
            services.lead_convert(actor=owner, lead=lead, customer_data={"region": region}, opportunity=opportunity)
        elif index == 6:
            services.lead_disqualify(actor=owner, lead=lead, reason="暂无预算，明年再联系")
    for company, name in (("常熟服装城商户协会", "季红"), ("太仓港物流有限公司", "黄涛")):
        services.lead_capture_public(data={"company": company, "name": name, "email": "", "mobile": "13600000000"})
    log(f"leads: {Lead.objects.count()} loaded")


register_demo(DemoLoader(key="leads", load=load, order=45))
