"""Benchmark data of sales administration (issue 18), after the users (bench.generator): for every
account manager a target for each of the last twelve months, weekly reports for the last eight weeks
and monthly reports for the last three, and six expense claims of three lines each (half approved,
one in three of those paid, the rest drafts); the teams', branches' and regions' targets this month.
A few thousand rows whatever the scale (the users are 200): bulk inserts.

    python -m bench.salesadmin       # (re)make only these rows of the data set in CRM_DATABASE_URL
"""

import datetime
import random
from decimal import Decimal

MONTHS = 12
WEEKS = 8
MONTHLY_REPORTS = 3
CLAIMS = 6
LINES = 3
BATCH = 2000
TITLES = ("客户拜访差旅", "业务招待", "展会费用")


def _managers():
    from bench.generator import BENCH_USER_PREFIX
    from crm.identity.models import User

    return list(User.objects.filter(username__startswith=BENCH_USER_PREFIX, roles__code="manager")
                .select_related("department", "superior").order_by("pk"))


def wipe_salesadmin(log) -> None:
    """The benchmark users' targets, reviews, reports and claims (a claim protects its claimant)."""
    from bench.generator import BENCH_DEPARTMENT_CODE, BENCH_USER_PREFIX
    from crm.salesadmin.models import ExpenseClaim, ExpenseLine, Review, Target, WorkReport

    ExpenseLine.objects.filter(claim__claimant__username__startswith=BENCH_USER_PREFIX).delete()
    ExpenseClaim.objects.filter(claimant__username__startswith=BENCH_USER_PREFIX).delete()
    WorkReport.objects.filter(author__username__startswith=BENCH_USER_PREFIX).delete()
    Review.objects.filter(user__username__startswith=BENCH_USER_PREFIX).delete()
    Target.objects.filter(user__username__startswith=BENCH_USER_PREFIX).delete()
    Target.objects.filter(department__code__startswith=BENCH_DEPARTMENT_CODE).delete()
    log("removed earlier sales administration data")


def generate_salesadmin(*, seed: int, today: datetime.date, log) -> dict[str, int]:
    from django.utils import timezone

    from bench.generator import BENCH_DEPARTMENT_CODE
    from crm.dictionary.models import DictionaryItem
    from crm.identity.models import Department
    from crm.salesadmin.models import (
        ClaimStatus,
        ExpenseClaim,
        ExpenseLine,
        ReportKind,
        ReportStatus,
        Target,
        WorkReport,
    )
    from crm.salesadmin.periods import add_months, month, week

    rng = random.Random(seed + 18)
    managers = _managers()
    this_month = month(today).start
    months = [add_months(this_month, -i) for i in range(MONTHS)]
    targets = [
        Target(user=m, month=first, won_amount=Decimal(rng.randrange(5, 50) * 10000),
               received=Decimal(rng.randrange(3, 40) * 10000), new_customers=rng.randrange(2, 20),
               followups=rng.randrange(20, 120))
        for m in managers for first in months
    ]
    paths = {m.department.path for m in managers if m.department}
    departments = [d for d in Department.objects.filter(code__startswith=BENCH_DEPARTMENT_CODE).order_by("path")
                   if any(path.startswith(d.path) for path in paths)]  # the teams and everything above them
    targets += [Target(department=d, month=this_month, won_amount=Decimal(rng.randrange(50, 500) * 10000),
                       received=Decimal(rng.randrange(30, 300) * 10000), new_customers=rng.randrange(20, 200),
                       followups=rng.randrange(200, 1200)) for d in departments]
    Target.objects.bulk_create(targets, batch_size=BATCH)

    now = timezone.now()
    periods = [(ReportKind.WEEK, week(today - datetime.timedelta(weeks=i + 1))) for i in range(WEEKS)]
    periods += [(ReportKind.MONTH, month(add_months(this_month, -i - 1))) for i in range(MONTHLY_REPORTS)]
    reports = []
    for m in managers:
        for index, (kind, period) in enumerate(periods):
            reviewed = index % 2 == 0 and m.superior_id is not None
            reports.append(WorkReport(
                author=m, kind=kind, period_start=period.start, period_end=period.end,
                figures={"followups": str(rng.randrange(5, 40)), "customers_contacted": str(rng.randrange(3, 25)),
                         "new_customers": str(rng.randrange(0, 6)), "new_opportunities": str(rng.randrange(0, 5)),
                         "won_amount": f"{rng.randrange(0, 300000)}.00", "received": f"{rng.randrange(0, 200000)}.00"},
                summary="本期拜访重点客户，推进项目报价和合同签订。", plan="下期跟进在谈项目，安排产品演示。",
                status=ReportStatus.REVIEWED if reviewed else ReportStatus.SUBMITTED, submitted_at=now,
                reviewer_id=m.superior_id if reviewed else None, score=rng.randrange(60, 100) if reviewed else None,
                comment="继续保持" if reviewed else "", reviewed_at=now if reviewed else None))
    WorkReport.objects.bulk_create(reports, batch_size=BATCH)

    types = list(DictionaryItem.objects.filter(category="expense_type", is_active=True).order_by("pk"))
    claims, lines = [], []
    if types:
        serial = 0
        for m in managers:
            for index in range(CLAIMS):
                serial += 1
                approved = index % 2 == 0
                paid = approved and index % 3 == 0
                amounts = [Decimal(rng.randrange(50, 5000)) for _ in range(LINES)]
                claims.append(ExpenseClaim(
                    number=f"BX-BENCH-{serial:06d}", claimant=m, title=rng.choice(TITLES),
                    total=sum(amounts), status=ClaimStatus.APPROVED if approved else ClaimStatus.DRAFT, paid=paid,
                    paid_on=today if paid else None))
                spent = today - datetime.timedelta(days=rng.randrange(0, 360))
                lines.append([ExpenseLine(position=p, expense_type=rng.choice(types), amount=a, spent_on=spent,
                                          description="高铁、酒店") for p, a in enumerate(amounts)])
        ExpenseClaim.objects.bulk_create(claims, batch_size=BATCH)
        if not all(c.pk for c in claims):  # a database that does not return ids on bulk insert
            by_number = dict(ExpenseClaim.objects.filter(number__startswith="BX-BENCH-").values_list("number", "pk"))
            for claim in claims:
                claim.pk = by_number[claim.number]
        for claim, its_lines in zip(claims, lines, strict=True):
            for line in its_lines:
                line.claim_id = claim.pk
        ExpenseLine.objects.bulk_create([line for its_lines in lines for line in its_lines], batch_size=BATCH)
    rows = {"salesadmin_target": len(targets), "salesadmin_workreport": len(reports),
            "salesadmin_expenseclaim": len(claims), "salesadmin_expenseline": sum(len(x) for x in lines)}
    log("sales administration: " + ", ".join(f"{t} {n:,}" for t, n in rows.items()))
    return rows


def main() -> None:
    from bench import env

    env.setup()
    from django.db import transaction

    with transaction.atomic():
        wipe_salesadmin(print)
        generate_salesadmin(seed=1, today=datetime.date.today(), log=print)


if __name__ == "__main__":
    main()
