"""Demo announcements and know-how (`crm demo`): one announcement to everyone by the administrator,
one by the Shanghai supervisor to 上海分公司 (and its sales departments), a few selling tips with
answers, tags and likes. Idempotent: an announcement or post already there (by title) is kept."""

from crm.bulletin import services
from crm.bulletin.models import Announcement, Post
from crm.core.demo import DemoLoader, register_demo
from crm.identity.models import Department, User

ANNOUNCEMENTS = [
    ("admin", None, True, "关于启用新版 CRM 系统的通知",
     "各位同事：\n新版 CRM 系统已正式上线，请于本周五前完成首次登录并修改密码。客户、跟进记录和销售机会已从旧系统迁移，"
     "如发现数据缺失请联系信息部。\n"
     "操作手册见系统右上角「帮助」。"),
    ("supervisor", "E-SH", False, "上海分公司本月销售例会安排",
     "本月销售例会定于月末最后一个周五 14:00 在 3 楼会议室召开，"
     "请各位客户经理提前准备本月业绩回顾和下月重点客户计划。"),
]

# author, title, body, tags, [(answerer, answer)], likers
POSTS = [
    ("manager", "大客户报价前先摸清采购流程",
     "给集团客户报价前，先问清楚采购是走招标还是比价、谁是最终拍板人、预算在哪个季度。报价单分基础版和增值版两档，"
     "让客户有选择空间，成交率明显提高。",
     "报价, 大客户", [("zhoujie", "补充一点：招标项目要提前拿到评分细则，技术分往往比价格更关键。")],
     ["zhoujie", "supervisor", "wufang"]),
    ("zhoujie", "客户说“太贵了”怎么回应？",
     "不要马上降价。先确认客户是和谁比、比的是哪部分，再把总拥有成本（实施、培训、售后）讲清楚。"
     "实在要让步，用延长质保或增加培训代替直接打折。",
     "异议处理, 报价", [("manager", "我一般会问：除了价格，还有哪些方面让您犹豫？往往能问出真正的顾虑。"),
                       ("supervisor", "让步一定要换条件，比如缩短付款周期。")],
     ["manager", "supervisor"]),
    ("wufang", "拜访前的三分钟准备清单",
     "1. 看一遍客户最近的跟进记录和未结服务；2. 查客户官网新闻；3. 想好这次拜访要客户答应的一件具体的事。",
     "拜访, 习惯", [], ["manager"]),
]


def load(log) -> None:
    users = {u.username: u for u in User.objects.filter(username__in=("admin", "supervisor", "manager", "zhoujie",
                                                                        "wufang"))}
    if "admin" not in users:
        log("bulletin: skipped (no admin user)")
        return
    titles = set(Announcement.objects.values_list("title", flat=True))
    added = 0
    for author, code, to_all, title, body in ANNOUNCEMENTS:
        actor = users.get(author)
        department = Department.objects.filter(code=code).first() if code else None
        if title in titles or actor is None or (code and department is None):
            continue
        services.announcement_publish(actor=actor, data={
            "title": title, "body": body, "to_all": to_all, "departments": [department] if department else [],
            "pinned": to_all,
        })
        added += 1
    posts = set(Post.objects.values_list("title", flat=True))
    for author, title, body, tags, answers, likers in POSTS:
        if title in posts or author not in users:
            continue
        post = services.post_create(actor=users[author], data={"title": title, "body": body, "tags": tags})
        for answerer, answer in answers:
            if answerer in users:
                services.answer_create(actor=users[answerer], post=post, body=answer)
        for liker in likers:
            if liker in users:
                services.post_like_toggle(actor=users[liker], post=post)
        added += 1
    log(f"bulletin: {added} announcements and posts added")


register_demo(DemoLoader(key="bulletin", load=load, order=65))
