"""Demo knowledge articles (`crm demo`): after-sales problems of a CRM product and their
solutions, written through the services as the administrator and published; an article already
there (by title) is left as it is, so running the demo again adds nothing."""

from crm.core.demo import DemoLoader, register_demo
from crm.identity.models import User
from crm.knowledge import services
from crm.knowledge.models import Article

# title, problem, solution, tags, product, public
ARTICLES = [
    (
        "登录失败，提示“用户名或密码错误”",
        "用户确认密码没有输错，但登录页一直提示用户名或密码错误；连续失败 5 次后账号被锁定 15 分钟。",
        "1. 检查键盘大小写锁定和输入法（全角字符会导致密码不一致）。\n2. 请管理员在「系统 → 用户」中重置密码，"
        "用户首次登录后修改。\n3. 如果账号已被锁定，等待 15 分钟或由管理员解锁。",
        "登录, 密码, 账号锁定", "云 CRM 标准版", True,
    ),
    (
        "Excel 导入后中文显示乱码",
        "从旧系统导出的客户清单用 Excel 打开正常，导入 CRM 后姓名、地址等中文字段变成问号或乱码。",
        "旧系统导出的 CSV 多为 GBK 编码。在 Excel 中选择「另存为 → CSV UTF-8（逗号分隔）」，或直接保存为 .xlsx "
        "后重新导入。导入前可先用「下载模板」核对列名。",
        "导入, Excel, 编码", "云 CRM 标准版", True,
    ),
    (
        "增值税专用发票如何开具",
        "客户要求开具增值税专用发票，销售不清楚需要提供哪些信息、由谁提交申请。",
        "在合同页点击「申请开票」，选择发票类型「增值税专用发票」，填写购买方名称、纳税人识别号、地址电话、"
        "开户行及账号，上传一般纳税人证明后提交财务审批。财务开票后系统自动通知申请人。",
        "发票, 财务", "", False,
    ),
    (
        "客户经理看不到下属的客户",
        "销售主管反馈：部门里新来的客户经理录入的客户，主管在客户列表里看不到。",
        "检查该主管角色的数据范围是否为「本部门及下属部门」，以及客户经理是否被分配到正确的部门。"
        "在「系统 → 角色」中修改数据范围后，用户重新登录即可生效。",
        "权限设置, 数据范围", "", False,
    ),
    (
        "如何给新员工设置权限",
        "新员工入职，需要开通 CRM 账号，只能查看和维护自己的客户。",
        "管理员在「系统 → 用户」中新建用户，选择部门，角色选择「客户经理」（默认数据范围为本人）。"
        "如需额外功能，可复制一个角色后增减功能权限，不建议直接修改内置角色。",
        "权限设置, 账号", "", False,
    ),
    (
        "导出 Excel 时提示超时",
        "导出全部客户（约 20 万条）时页面长时间无响应，最后提示请求超时。",
        "大批量导出会转为后台任务：在「数据 → 导出记录」中查看进度并下载文件。若仍超时，请缩小筛选范围，"
        "或联系管理员确认后台任务服务已启动。",
        "导出, Excel, 性能", "云 CRM 企业版", True,
    ),
    (
        "手机端收不到待办提醒",
        "客户经理在电脑上能看到跟进提醒，但手机上没有收到任何通知。",
        "确认「个人设置 → 通知」中已开启邮件提醒，并填写了正确的邮箱；企业微信推送需管理员在系统设置中配置"
        "应用凭据。手机系统的省电模式也可能拦截通知。",
        "通知, 移动端", "", True,
    ),
    (
        "客户重复录入如何合并",
        "同一家公司被两位客户经理分别录入，出现两条客户记录，跟进记录分散。",
        "在客户列表使用「查重」找到重复客户，由主管选择保留的记录后点击「合并」，联系人、跟进记录和商机会并入"
        "保留的客户，被合并的记录在日志中可查。",
        "查重, 合并, 客户", "", False,
    ),
    (
        "忘记密码如何找回",
        "用户忘记登录密码，登录页没有找回入口。",
        "出于安全考虑，内网部署默认不开放自助找回。请联系系统管理员在「系统 → 用户」中重置密码，"
        "并在首次登录后立即修改。",
        "登录, 密码", "云 CRM 标准版", True,
    ),
    (
        "数据导入时提示“统一社会信用代码格式错误”",
        "导入客户时部分行被拒绝，错误原因为统一社会信用代码格式错误。",
        "统一社会信用代码为 18 位，最后一位是校验码，可能是字母。常见原因：Excel 把代码当作数字显示为科学计数法，"
        "或混入了空格、全角字符。请将该列设置为「文本」格式后重新导入。",
        "导入, 数据质量", "", True,
    ),
    (
        "报表数字与导出数据不一致",
        "销售漏斗报表显示的金额与导出的商机明细合计不同。",
        "报表按当前用户的数据范围统计，且只统计未关闭的商机；导出时如果勾选了「包含已关闭」，合计会不同。"
        "请核对两边的筛选条件和数据范围。",
        "报表, 数据范围", "云 CRM 企业版", False,
    ),
    (
        "Chrome 浏览器页面显示错位",
        "使用 Chrome 浏览器打开客户详情页，按钮重叠、表格显示不全。",
        "按 Ctrl+F5 强制刷新以清除旧版本缓存；检查浏览器缩放比例是否为 100%。仍有问题请升级到最新版 Chrome 或 Edge。",
        "浏览器, 界面", "", True,
    ),
]


def load(log) -> None:
    actor = User.objects.filter(username="admin").first()
    if actor is None:
        log("knowledge: skipped (no admin user)")
        return
    existing = set(Article.objects.values_list("title", flat=True))
    created = 0
    for title, problem, solution, tags, product, public in ARTICLES:
        if title in existing:
            continue
        data = {
            "title": title, "problem": problem, "solution": solution, "tags": tags, "product": product,
            "is_public": public,
        }
        article = services.article_create(actor=actor, data=data)
        services.article_publish(actor=actor, article=article)
        created += 1
    log(f"knowledge: {created} articles added ({len(ARTICLES) - created} already there)")


register_demo(DemoLoader(key="knowledge", load=load, order=45))
