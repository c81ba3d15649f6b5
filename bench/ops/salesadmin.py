"""Benchmarks of sales administration (issue 18): the targets board for a month and a quarter, the
management dashboard's targets block, the work-report list, the expense-claim list and the claim
statistics, each as its page reads it, for a salesperson (their own rows) and an executive (everybody's).
The data: bench.salesadmin, a step of bench.generate (a few rows per account manager)."""

from bench.ops.reports import _calls, _page
from bench.registry import operation

LIST_MS = 150
BOARD_MS = 500


def _today():
    from django.utils import timezone

    return timezone.localdate()


@operation("salesadmin.targets", label="销售任务: the board this month, last month, this quarter", group="salesadmin",
           target_ms=BOARD_MS)
def targets(ctx, persona):
    from crm.salesadmin.periods import add_months, month, quarter
    from crm.salesadmin.selectors.targets import board

    today = _today()
    periods = (month(today), month(add_months(today.replace(day=1), -1)), quarter(today))
    return _calls(ctx, persona, "salesadmin.target.view", periods,
                  lambda user, period: board(user=user, period=period))


@operation("salesadmin.dashboard", label="管理驾驶舱: the team's targets against actuals", group="salesadmin",
           target_ms=BOARD_MS)
def dashboard(ctx, persona):
    from crm.salesadmin.selectors.targets import team_progress

    return _calls(ctx, persona, "salesadmin.target.view", (_today(),),
                  lambda user, today: team_progress(user=user, today=today))


@operation("salesadmin.reports", label="工作报告: page 1 and the count (mine, the team's, weekly)",
           group="salesadmin", target_ms=LIST_MS)
def reports(ctx, persona):
    from crm.salesadmin.selectors.reports import report_list

    cases = ({"tab": "mine"}, {"tab": "team"}, {"tab": "team", "kind": "week"}, {"tab": "to_review"})
    return _calls(ctx, persona, "salesadmin.report.view", cases,
                  lambda user, case: _page(report_list(user=user, **case)))


@operation("salesadmin.claims", label="费用报销: page 1 and the count (all, approved unpaid, paid)",
           group="salesadmin", target_ms=LIST_MS)
def claims(ctx, persona):
    from crm.salesadmin.selectors.claims import claim_list

    return _calls(ctx, persona, "salesadmin.claim.view", ("", "unpaid", "paid", "draft"),
                  lambda user, status: _page(claim_list(user=user, status=status)))


@operation("salesadmin.claim_stats", label="费用统计: this year by type, person, department, customer, month",
           group="salesadmin", target_ms=BOARD_MS)
def claim_stats(ctx, persona):
    from crm.salesadmin.periods import year
    from crm.salesadmin.selectors.claims import GROUPS
    from crm.salesadmin.selectors.claims import claim_stats as stats

    period = year(_today())
    return _calls(ctx, persona, "salesadmin.claim.view", tuple(GROUPS),
                  lambda user, group: stats(user=user, period=period, group=group))
