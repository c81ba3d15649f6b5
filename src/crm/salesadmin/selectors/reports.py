"""Work reports in the viewer's scope: their own, and their team's (the subtree's) for a supervisor."""

from crm.access.engine import access_for
from crm.core.errors import NotFound
from crm.salesadmin.models import ReportKind, ReportStatus, WorkReport
from crm.salesadmin.permissions import REPORT

TABS = ("mine", "team", "to_review")


def report_filters(params) -> dict:
    """The list's tab and kind from its query string (the page and its export), the default where wrong."""
    params = params or {}
    return {"tab": params.get("tab") if params.get("tab") in TABS else "mine",
            "kind": params.get("kind") if params.get("kind") in ReportKind.values else ""}


def report_list(*, user, tab: str = "mine", kind: str = ""):
    queryset = access_for(user).scoped(REPORT, WorkReport.objects.select_related("author", "author__department",
                                                                                 "reviewer"))
    if tab == "team":
        queryset = queryset.exclude(author=user).exclude(status=ReportStatus.DRAFT)
    elif tab == "to_review":
        queryset = queryset.exclude(author=user).filter(status=ReportStatus.SUBMITTED)
    else:
        queryset = queryset.filter(author=user)
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("-period_start", "-id")


def report_get(*, user, pk) -> WorkReport:
    """A report in scope; someone else's draft is not there for the superior yet."""
    report = access_for(user).get(REPORT, pk, queryset=WorkReport.objects.select_related("author", "reviewer"))
    if report.status == ReportStatus.DRAFT and report.author_id != user.pk:
        raise NotFound()
    return report
