"""Helpers for tests: announcements and posts written through the services."""

from crm.bulletin import services


def announce(actor, *departments, title="季度销售会议通知", body="周五下午两点开会。", **data):
    return services.announcement_publish(actor=actor, data={
        "title": title, "body": body, "to_all": not departments, "departments": list(departments), **data,
    })


def make_post(actor, title="大客户报价技巧", body="先摸清采购流程再报价。", tags="报价, 大客户"):
    return services.post_create(actor=actor, data={"title": title, "body": body, "tags": tags})
