"""Word lists for believable Chinese business data: company names (region + 字号 + industry word +
legal form), person names, positions, phone prefixes, follow-up texts. Data only, no logic."""

# Characters that Chinese companies put in their trade names (字号): auspicious, short, common.
TRADE_NAME_CHARS = (
    "华信恒泰金鼎瑞丰宏达盛源鑫隆昌荣兴嘉和润博远新天宇中诚安康永通海汇德利志明辉腾龙飞凯翔正大益东方万"
    "星光美佳联创智晟昊泓毅卓越锦程鸿运宝力祥富强振昇铭扬航舜尚禾川泽雅君豪立晨曦宁峰铁骏弘耀达启迪优"
    "百合欣然智慧融鹏展阳春秋炎晶科聚合赛普凌云霖沃森奥迅捷凯旋麒麟华夏神州长城黄河珠江长江蓝天碧"
)

# (industry word of the name, value of the "industry" picklist item it belongs to, weight)
INDUSTRY_WORDS = (
    ("网络科技", "it", 9),
    ("信息技术", "it", 8),
    ("电子科技", "it", 6),
    ("智能科技", "it", 6),
    ("软件", "it", 4),
    ("数据科技", "it", 3),
    ("通信设备", "it", 2),
    ("信息科技", "it", 5),
    ("机械设备", "manufacturing", 6),
    ("精密机械", "manufacturing", 3),
    ("汽车零部件", "manufacturing", 3),
    ("新材料", "manufacturing", 3),
    ("塑胶制品", "manufacturing", 2),
    ("纺织", "manufacturing", 2),
    ("服饰", "manufacturing", 2),
    ("自动化设备", "manufacturing", 3),
    ("模具", "manufacturing", 2),
    ("金属制品", "manufacturing", 2),
    ("五金", "manufacturing", 2),
    ("照明", "manufacturing", 1),
    ("仪器仪表", "manufacturing", 2),
    ("家具", "manufacturing", 2),
    ("包装", "manufacturing", 2),
    ("印刷", "manufacturing", 1),
    ("电气", "manufacturing", 3),
    ("食品", "retail", 4),
    ("商贸", "retail", 6),
    ("贸易", "retail", 6),
    ("国际贸易", "retail", 3),
    ("进出口", "retail", 2),
    ("电子商务", "retail", 3),
    ("日用品", "retail", 1),
    ("化妆品", "retail", 1),
    ("酒业", "retail", 1),
    ("茶业", "retail", 1),
    ("粮油", "retail", 1),
    ("投资", "finance", 3),
    ("融资租赁", "finance", 1),
    ("保险代理", "finance", 1),
    ("资产管理", "finance", 2),
    ("房地产开发", "real_estate", 2),
    ("物业管理", "real_estate", 2),
    ("置业", "real_estate", 1),
    ("建筑工程", "construction", 4),
    ("装饰工程", "construction", 3),
    ("建材", "construction", 2),
    ("钢结构", "construction", 1),
    ("市政工程", "construction", 1),
    ("园林绿化", "construction", 1),
    ("教育科技", "education", 2),
    ("教育咨询", "education", 1),
    ("培训", "education", 1),
    ("生物科技", "healthcare", 3),
    ("医药", "healthcare", 3),
    ("医疗器械", "healthcare", 2),
    ("健康管理", "healthcare", 1),
    ("物流", "logistics", 4),
    ("供应链管理", "logistics", 3),
    ("货运代理", "logistics", 1),
    ("新能源", "energy", 3),
    ("环保科技", "energy", 3),
    ("化工", "energy", 3),
    ("光伏科技", "energy", 1),
    ("电力工程", "energy", 1),
    ("水处理", "energy", 1),
    ("文化传媒", "other", 3),
    ("广告", "other", 2),
    ("企业管理咨询", "other", 3),
    ("人力资源", "other", 2),
    ("酒店管理", "other", 1),
    ("餐饮管理", "other", 1),
    ("农业科技", "other", 2),
    ("安防科技", "it", 1),
    ("检测技术", "other", 1),
)

# (legal form, weight); the duplicate check ignores them (crm.customers.normalise.LEGAL_SUFFIXES).
LEGAL_FORMS = (("有限公司", 70), ("有限责任公司", 12), ("股份有限公司", 12), ("集团有限公司", 4))

# Big cities get more customers: (city code, weight); the other cities of regions.json share the rest.
CITY_WEIGHTS = {
    "310100": 40,  # 上海
    "110100": 35,  # 北京
    "440300": 30,  # 深圳
    "440100": 25,  # 广州
    "330100": 20,  # 杭州
    "320500": 15,  # 苏州
    "320100": 14,  # 南京
    "510100": 14,  # 成都
    "420100": 12,  # 武汉
    "500100": 12,  # 重庆
    "120100": 10,  # 天津
    "610100": 9,  # 西安
    "370200": 8,  # 青岛
    "330200": 8,  # 宁波
    "441900": 8,  # 东莞
    "440600": 8,  # 佛山
    "430100": 7,  # 长沙
    "410100": 7,  # 郑州
    "350200": 6,  # 厦门
    "340100": 6,  # 合肥
}
OTHER_CITY_WEIGHT = 0.2

# Area codes of landlines; a city not listed gets a plausible four-digit code from its province.
AREA_CODES = {
    "110100": "010",
    "310100": "021",
    "440100": "020",
    "120100": "022",
    "500100": "023",
    "210100": "024",
    "320100": "025",
    "420100": "027",
    "510100": "028",
    "610100": "029",
    "440300": "0755",
    "330100": "0571",
    "320500": "0512",
    "370200": "0532",
    "330200": "0574",
    "441900": "0769",
    "440600": "0757",
    "430100": "0731",
    "410100": "0371",
    "350200": "0592",
    "340100": "0551",
}

# The "region" picklist (华北, 华东 …) by the first two digits of the province code.
REGION_BY_PROVINCE = {
    **dict.fromkeys(("11", "12", "13", "14", "15"), "north"),
    **dict.fromkeys(("21", "22", "23"), "northeast"),
    **dict.fromkeys(("31", "32", "33", "34", "35", "36", "37"), "east"),
    **dict.fromkeys(("41", "42", "43"), "central"),
    **dict.fromkeys(("44", "45", "46"), "south"),
    **dict.fromkeys(("50", "51", "52", "53", "54"), "southwest"),
    **dict.fromkeys(("61", "62", "63", "64", "65"), "northwest"),
    **dict.fromkeys(("71", "81", "82"), "hmt"),
}

DISTRICT_WORDS = ("高新区", "经济开发区", "工业园区", "新区", "中心区", "开发区", "科技园", "保税区")
ROAD_SUFFIXES = ("路", "大道", "街", "中路", "东路", "西路", "南路", "北路")
BUILDING_WORDS = ("大厦", "科技园", "产业园", "广场", "中心", "写字楼")

# Frequent surnames with rough weights, then rarer ones.
SURNAMES = (
    ("王", 72),
    ("李", 71),
    ("张", 68),
    ("刘", 54),
    ("陈", 45),
    ("杨", 31),
    ("黄", 24),
    ("赵", 23),
    ("吴", 21),
    ("周", 21),
    ("徐", 17),
    ("孙", 15),
    ("马", 14),
    ("朱", 13),
    ("胡", 13),
    ("郭", 12),
    ("何", 12),
    ("高", 11),
    ("林", 11),
    ("罗", 10),
    ("郑", 10),
    ("梁", 9),
    ("谢", 8),
    ("宋", 8),
    ("唐", 8),
    ("许", 7),
    ("韩", 7),
    ("冯", 7),
    ("邓", 7),
    ("曹", 7),
    ("彭", 6),
    ("曾", 6),
    ("肖", 6),
    ("田", 6),
    ("董", 6),
    ("袁", 5),
    ("潘", 5),
    ("于", 5),
    ("蒋", 5),
    ("蔡", 5),
    ("余", 5),
    ("杜", 5),
    ("叶", 5),
    ("程", 5),
    ("苏", 4),
    ("魏", 4),
    ("吕", 4),
    ("丁", 4),
    ("任", 4),
    ("沈", 4),
    ("姚", 4),
    ("卢", 4),
    ("姜", 4),
    ("崔", 4),
    ("钟", 4),
    ("谭", 3),
    ("陆", 3),
    ("汪", 3),
    ("范", 3),
    ("金", 3),
    ("石", 3),
    ("廖", 3),
    ("贾", 3),
    ("夏", 3),
    ("韦", 3),
    ("方", 3),
    ("白", 3),
    ("邹", 3),
    ("孟", 3),
    ("熊", 3),
    ("秦", 3),
    ("邱", 3),
    ("江", 3),
    ("尹", 2),
    ("薛", 2),
    ("闫", 2),
    ("段", 2),
    ("雷", 2),
    ("侯", 2),
    ("龙", 2),
    ("史", 2),
    ("陶", 2),
    ("黎", 2),
    ("贺", 2),
    ("顾", 2),
    ("毛", 2),
    ("郝", 2),
    ("龚", 2),
    ("邵", 2),
    ("万", 2),
    ("钱", 2),
    ("严", 2),
    ("欧阳", 1),
    ("司马", 1),
    ("诸葛", 1),
)
GIVEN_NAME_CHARS_MALE = "伟强磊军洋勇杰涛明超刚平辉鹏华飞鑫波斌宇浩凯健俊帆帅旭宁龙林峰建国文博志远海东亮成"
GIVEN_NAME_CHARS_FEMALE = "芳娜敏静丽艳娟霞秀玲桂英红梅琳婷雪慧颖倩晶洁燕萍莉丹琴云佳欣怡悦蕾薇瑶璐"

POSITIONS = (
    ("总经理", 8),
    ("副总经理", 6),
    ("董事长", 3),
    ("采购经理", 10),
    ("采购专员", 8),
    ("财务总监", 4),
    ("财务经理", 5),
    ("技术总监", 4),
    ("项目经理", 8),
    ("销售经理", 6),
    ("行政主管", 5),
    ("办公室主任", 4),
    ("工程师", 6),
    ("运营经理", 4),
    ("市场总监", 3),
)

MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "134",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "170",
    "176",
    "177",
    "178",
    "180",
    "181",
    "182",
    "183",
    "184",
    "185",
    "186",
    "187",
    "188",
    "189",
    "198",
    "199",
]
EMAIL_DOMAINS = (("qq.com", 40), ("163.com", 25), ("126.com", 10), ("sina.com", 5), ("foxmail.com", 5))
BANKS = (
    "中国工商银行",
    "中国建设银行",
    "中国银行",
    "中国农业银行",
    "交通银行",
    "招商银行",
    "浦发银行",
    "中信银行",
    "兴业银行",
    "民生银行",
)

# Follow-up texts: (template, weight); {product} and {n} are filled in.
FOLLOWUP_TEXTS = (
    ("电话沟通{product}采购需求，客户表示下月启动招标", 5),
    ("拜访客户，介绍{product}方案，对方技术负责人参加", 4),
    ("微信发送{product}报价单，等待客户内部审批", 5),
    ("客户反馈{product}试用情况良好，计划扩大到{n}个部门", 3),
    ("邮件发送合同草稿，客户法务正在审核条款", 3),
    ("电话回访，客户近期预算紧张，{n}个月后再联系", 4),
    ("参加客户年度供应商大会，交流{product}合作计划", 2),
    ("客户询问{product}售后服务和交付周期", 4),
    ("上门演示{product}，客户对价格有异议，需要申请折扣", 3),
    ("跟进回款进度，财务确认本周内付款", 3),
    ("客户负责人变更，重新建立联系，约定下周拜访", 2),
    ("电话未接通，已发短信留言", 3),
)
PRODUCTS = ("CRM系统", "ERP软件", "工业传感器", "办公设备", "云服务器", "安防监控", "物流服务", "培训课程", "包装材料")
FOLLOWUP_RESULTS = (
    ("有意向", 5),
    ("需要报价", 3),
    ("等待决策", 4),
    ("暂无需求", 2),
    ("已成交", 1),
    ("", 5),
)
# followup_method picklist values and weights
FOLLOWUP_METHODS = (("phone", 50), ("wechat", 25), ("visit", 15), ("email", 8), ("other", 2))

INTERACTION_PLACES = ("客户公司", "本公司会议室", "行业展会", "客户工厂", "线上会议", "餐厅")
INTERACTION_SUMMARIES = (
    "年度合作洽谈",
    "技术交流会",
    "项目启动会",
    "季度业务回顾",
    "新产品推介",
    "售后问题沟通",
    "商务宴请",
)

# Tags administrators set up: (name, group, colour)
TAGS = (
    ("重点跟进", "合作状态", "danger"),
    ("长期合作", "合作状态", "success"),
    ("新客户", "合作状态", "primary"),
    ("沉睡客户", "合作状态", "secondary"),
    ("百万级", "成交金额", "warning"),
    ("十万级", "成交金额", "info"),
    ("万元级", "成交金额", "secondary"),
    ("上市公司", "企业性质", "dark"),
    ("国企", "企业性质", "dark"),
    ("外资", "企业性质", "info"),
    ("民营", "企业性质", "secondary"),
    ("招投标", "来源特点", "primary"),
    ("转介绍", "来源特点", "success"),
    ("价格敏感", "客户特点", "warning"),
    ("决策慢", "客户特点", "secondary"),
    ("技术导向", "客户特点", "info"),
)

# The benchmark company's organisation: (region, [branches]); each branch has sales teams.
SALES_REGIONS = (
    ("华东大区", ("上海分公司", "杭州分公司", "南京分公司", "苏州分公司")),
    ("华南大区", ("深圳分公司", "广州分公司", "厦门分公司")),
    ("华北大区", ("北京分公司", "天津分公司", "青岛分公司")),
    ("华中大区", ("武汉分公司", "长沙分公司")),
    ("西南大区", ("成都分公司", "重庆分公司")),
)
TEAMS = ("销售一部", "销售二部", "销售三部")
