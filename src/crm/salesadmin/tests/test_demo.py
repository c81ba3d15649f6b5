"""The demo: targets, reviews, reports and claims at every step; loaded once."""

from crm.approvals.models import Approval
from crm.salesadmin.demo import load
from crm.salesadmin.models import ClaimStatus, ExpenseClaim, Review, Target, WorkReport


def test_demo_loads_once(sales, admin_user, org):
    for user, username in ((admin_user, "admin"), (sales.executive, "executive"), (sales.supervisor, "supervisor"),
                           (sales.manager, "manager"), (sales.colleague, "zhoujie")):
        user.username = username
        user.save(update_fields=["username"])
    org.shanghai.code = "E-SH"
    org.shanghai.save(update_fields=["code"])
    log = []
    load(log.append)
    assert Target.objects.count() == 3 * 4 and Review.objects.count() == 2
    assert sorted(WorkReport.objects.values_list("status", flat=True)) == ["reviewed", "submitted"]
    claims = {c.title: c for c in ExpenseClaim.objects.all()}
    assert claims["市内拜访交通费"].paid and claims["展会物料"].status == ClaimStatus.DRAFT
    assert claims["杭州客户出差"].status == ClaimStatus.IN_APPROVAL
    assert Approval.objects.get(object_id=claims["杭州客户出差"].pk).current_step == 1  # with the executive now
    load(log.append)
    assert log[-1] == "salesadmin: already loaded" and ExpenseClaim.objects.count() == 3
