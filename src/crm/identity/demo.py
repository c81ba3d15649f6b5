"""The demo company's organisation and logins (issue: fixed demo logins, password crm-demo)."""

from crm.access.models import Role
from crm.core.demo import DemoLoader, register_demo
from crm.core.models import SystemSettings
from crm.identity.models import Department, User
from crm.notifications.services import notify

DEMO_PASSWORD = "crm-demo"
DEMO_LOGINS = [
    ("admin", "系统管理员 admin"),
    ("executive", "高管 executive — 全部数据"),
    ("supervisor", "销售主管 supervisor — 华东大区/上海分公司"),
    ("manager", "客户经理 manager — 上海分公司/销售一部"),
    ("manager2", "客户经理 manager2 — 华南大区/深圳分公司/销售二部"),
    ("service", "客服 service"),
    ("marketing", "市场 marketing"),
]

# (path of department names, code)
DEPARTMENTS = [
    (("华信科技",), "HQ"),
    (("华信科技", "总经理办公室"), "GM"),
    (("华信科技", "华东大区"), "E"),
    (("华信科技", "华东大区", "上海分公司"), "E-SH"),
    (("华信科技", "华东大区", "上海分公司", "销售一部"), "E-SH-1"),
    (("华信科技", "华东大区", "上海分公司", "销售二部"), "E-SH-2"),
    (("华信科技", "华东大区", "杭州分公司"), "E-HZ"),
    (("华信科技", "华南大区"), "S"),
    (("华信科技", "华南大区", "深圳分公司"), "S-SZ"),
    (("华信科技", "华南大区", "深圳分公司", "销售二部"), "S-SZ-2"),
    (("华信科技", "华北大区"), "N"),
    (("华信科技", "华北大区", "北京分公司"), "N-BJ"),
    (("华信科技", "客服中心"), "CS"),
    (("华信科技", "市场部"), "MKT"),
    (("华信科技", "信息技术部"), "IT"),
]

# username, name, role, department code, employee no., phone, superior
USERS = [
    ("admin", "王建国", "admin", "IT", "HX0001", "13800000001", None),
    ("executive", "李总", "executive", "GM", "HX0002", "13800000002", None),
    ("supervisor", "张伟", "supervisor", "E-SH", "HX0101", "13800000101", "executive"),
    ("manager", "刘洋", "manager", "E-SH-1", "HX0102", "13800000102", "supervisor"),
    ("manager2", "陈静", "manager", "S-SZ-2", "HX0201", "13800000201", "executive"),
    ("service", "赵敏", "service", "CS", "HX0301", "13800000301", "executive"),
    ("marketing", "孙丽", "marketing", "MKT", "HX0401", "13800000401", "executive"),
    # colleagues who own records in later modules
    ("zhoujie", "周杰", "manager", "E-SH-1", "HX0103", "13800000103", "supervisor"),
    ("wufang", "吴芳", "manager", "E-SH-2", "HX0104", "13800000104", "supervisor"),
    ("zhengqiang", "郑强", "manager", "E-HZ", "HX0105", "13800000105", "supervisor"),
    ("huanglei", "黄磊", "supervisor", "S-SZ", "HX0202", "13800000202", "executive"),
    ("linna", "林娜", "manager", "S-SZ-2", "HX0203", "13800000203", "huanglei"),
    ("maqiang", "马强", "supervisor", "N-BJ", "HX0501", "13800000501", "executive"),
    ("heping", "何平", "manager", "N-BJ", "HX0502", "13800000502", "maqiang"),
    ("gaoyan", "高燕", "service", "CS", "HX0302", "13800000302", "service"),
]


def _department(path: tuple[str, ...], code: str, known: dict) -> Department:
    parent = known.get(path[:-1]) if len(path) > 1 else None
    department = Department.objects.filter(name=path[-1], parent=parent).first()
    if department is None:
        department = Department(name=path[-1], code=code, parent=parent)
        department.insert()
    known[path] = department
    return department


def load(log) -> None:
    settings_row = SystemSettings.objects.order_by("pk").first() or SystemSettings()
    if not settings_row.company_name:
        settings_row.company_name = "上海华信科技有限公司"
        settings_row.save()
    known: dict = {}
    by_code = {code: _department(path, code, known) for path, code in DEPARTMENTS}
    roles = {role.code: role for role in Role.objects.all()}
    created = []
    for username, name, role, dept, employee_no, phone, _superior in USERS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                name=name,
                department=by_code[dept],
                employee_no=employee_no,
                phone=phone,
                email=f"{username}@huaxin-demo.cn",
            )
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.roles.add(roles[role])
            created.append(user)
    users = {user.username: user for user in User.objects.filter(username__in=[u[0] for u in USERS])}
    for username, *_rest, superior in USERS:
        if superior and users[username].superior_id is None:
            users[username].superior = users[superior]
            users[username].save(update_fields=["superior"])
    for code, leader in {"E-SH": "supervisor", "S-SZ": "huanglei", "N-BJ": "maqiang", "GM": "executive"}.items():
        if by_code[code].leader_id is None:
            Department.objects.filter(pk=by_code[code].pk).update(leader=users[leader])
    if created:
        notify(
            recipients=created,
            title="欢迎使用客户关系管理系统",
            body="这是演示数据，密码均为 crm-demo。",
            link="/",
            kind="welcome",
            email=False,
        )
    log(f"organisation: {len(by_code)} departments, {len(created)} new users")


register_demo(DemoLoader(key="identity", load=load, order=10))
