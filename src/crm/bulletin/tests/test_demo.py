"""The demo: two announcements (to everyone, to 上海分公司), three posts with answers and likes; once."""

from crm.bulletin.demo import load
from crm.bulletin.models import Announcement, Answer, Post, PostLike


def test_demo_loads_once(sales, admin_user, org):
    for user, username in ((admin_user, "admin"), (sales.supervisor, "supervisor"), (sales.manager, "manager"),
                           (sales.colleague, "zhoujie"), (sales.other, "wufang")):
        user.username = username
        user.save(update_fields=["username"])
    org.shanghai.code = "E-SH"
    org.shanghai.save(update_fields=["code"])
    log = []
    load(log.append)
    assert sorted(Announcement.objects.values_list("to_all", flat=True)) == [False, True]
    assert Post.objects.count() == 3 and Answer.objects.count() == 3 and PostLike.objects.count() == 6
    assert Post.objects.order_by("-like_count").first().like_count == 3
    load(log.append)
    assert log[-1] == "bulletin: 0 announcements and posts added" and Announcement.objects.count() == 2
