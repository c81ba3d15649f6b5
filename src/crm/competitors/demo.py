"""Demo competitors (`crm demo`): five rivals of the demo company, with their products and dated
news. Written through the services as the administrator; a competitor already there (by name) is
left as it is, so running the demo again adds nothing."""

import datetime

from django.utils import timezone

from crm.competitors import keys, services
from crm.competitors.models import Competitor
from crm.core.demo import DemoLoader, register_demo
from crm.identity.models import User

# name, website, size, threat, business, strengths, weaknesses, strategy, products, news
# products: (name, positioning, strengths, weaknesses); news: (days ago, title, content)
COMPETITORS = [
    (
        "远航软件股份有限公司",
        "www.yuanhang-soft.example.cn",
        "large",
        "high",
        "ERP、CRM 一体化套件，面向中大型制造企业；全国 30 多个城市设有分公司。",
        "品牌知名度高；ERP 与 CRM 同一厂商，集成省心；渠道覆盖广。",
        "实施周期长（通常 6 个月以上）；二次开发收费高；界面老旧，移动端体验差。",
        "强调我们 4–8 周上线、移动端好用；对已用其 ERP 的客户，主打开放接口与现有 ERP 对接。",
        [
            ("远航 CRM 企业版", "30–80 万元/套，大型企业", "与其 ERP 深度集成；报表丰富", "定制开发贵；升级需停机"),
            ("远航云 CRM", "每用户每年 1,200 元，中型企业", "品牌背书", "功能为企业版的简化版，数据导出受限"),
        ],
        [
            (12, "远航软件发布 2025 年半年报", "营收同比增长 8%，CRM 业务占比提升至 21%。"),
            (40, "远航在华东新设三个服务中心", "苏州、宁波、合肥服务中心开业，强化本地实施能力。"),
        ],
    ),
    (
        "云启科技（杭州）有限公司",
        "https://www.yunqi-crm.example.cn",
        "medium",
        "high",
        "SaaS 销售管理与客户服务平台，主打中小企业，按用户订阅。",
        "价格低，开通快；营销获客功能强；微信生态集成好。",
        "数据只能放在其公有云；复杂审批和权限支持弱；大客户服务响应慢。",
        "对重视数据安全的客户，强调私有化部署和数据范围权限；提供免费数据迁移。",
        [
            ("云启销售云", "每用户每月 99 元起，中小企业", "上手快；企业微信集成", "无私有化部署；字段权限粗"),
            ("云启客服", "每坐席每月 199 元", "多渠道接入", "工单流程不可配置"),
        ],
        [
            (5, "云启科技完成 C 轮融资", "融资 3 亿元，将用于 AI 销售助手研发。"),
            (26, "云启推出限时五折活动", "新签年付客户首年五折，至本季度末。"),
            (63, "云启服务中断约 4 小时", "华东机房故障导致服务中断，客户在社交媒体上反映强烈。"),
        ],
    ),
    (
        "鼎新信息技术有限公司",
        "www.dingxin-it.example.cn",
        "medium",
        "medium",
        "行业 CRM 解决方案，集中在医药流通与快消行业。",
        "行业经验深，预置行业流程；在医药客户中口碑好。",
        "跨行业能力弱；产品技术栈较旧；人员流动大。",
        "医药以外的行业正面竞争；医药行业强调我们的开放性和更低的总拥有成本。",
        [
            ("鼎新医药 CRM", "20–50 万元/套，医药流通", "GSP 合规功能齐全", "只适合医药行业"),
        ],
        [
            (18, "鼎新中标某省医药集团 CRM 项目", "合同金额约 260 万元。"),
        ],
    ),
    (
        "恒拓系统集成有限公司",
        "",
        "small",
        "medium",
        "华东地区系统集成商，代理多家国外 CRM 产品并做本地实施。",
        "本地关系好，服务响应快；可以打包硬件和网络项目。",
        "没有自有产品，依赖原厂；报价高，项目利润靠集成服务。",
        "争取与其合作而不是对抗：邀请其成为我们的实施伙伴。",
        [
            ("代理国外 CRM 实施服务", "按人天 1,500–2,500 元", "实施团队本地化", "许可证价格高，汇率风险"),
        ],
        [
            (33, "恒拓与某国外 CRM 厂商续签代理协议", "代理区域扩大到安徽、江西。"),
        ],
    ),
    (
        "蓝海数智科技有限公司",
        "https://lanhai-ai.example.cn",
        "small",
        "low",
        "初创公司，做 AI 外呼和销售线索打分。",
        "AI 技术新颖，演示效果好。",
        "产品不完整，缺少客户管理主流程；客户案例少。",
        "关注其动向；必要时作为线索打分的集成伙伴。",
        [
            ("蓝海智能外呼", "按通话分钟计费", "语音识别准确率高", "合规风险；无 CRM 主流程"),
        ],
        [
            (8, "蓝海数智获评年度创新企业", "在本地科技创新大赛中获奖。"),
        ],
    ),
]


def load(log) -> None:
    actor = User.objects.filter(username="admin").first()
    if actor is None:
        log("competitors: skipped (no admin user)")
        return
    existing = set(Competitor.objects.values_list("name_key", flat=True))
    today = timezone.localdate()
    created = 0
    for name, website, size, threat, business, strengths, weaknesses, strategy, products, news in COMPETITORS:
        if keys.name_key(name) in existing:
            continue
        data = {
            "name": name, "website": website, "size": size, "threat_level": threat, "business": business,
            "strengths": strengths, "weaknesses": weaknesses, "strategy": strategy,
        }
        competitor = services.competitor_create(actor=actor, data=data)
        for product, positioning, good, bad in products:
            services.product_create(
                actor=actor,
                competitor=competitor,
                data={"name": product, "positioning": positioning, "strengths": good, "weaknesses": bad},
            )
        for days, title, content in news:
            services.news_create(
                actor=actor,
                competitor=competitor,
                data={"date": today - datetime.timedelta(days=days), "title": title, "content": content},
            )
        created += 1
    log(f"competitors: {created} competitors added ({len(COMPETITORS) - created} already there)")


register_demo(DemoLoader(key="competitors", load=load, order=40))
