"""REST API of sales administration."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from crm.salesadmin.api import commissions, views

router = SimpleRouter()
router.register("sales-targets", views.TargetViewSet, basename="sales-target")
router.register("work-reports", views.ReportViewSet, basename="work-report")
router.register("expense-claims", views.ClaimViewSet, basename="expense-claim")
router.register("monthly-reviews", views.ReviewViewSet, basename="monthly-review")
router.register("commission-rules", commissions.CommissionRuleViewSet, basename="commission-rule")
router.register("commissions", commissions.CommissionMonthViewSet, basename="commission")
router.register("commission-lines", commissions.CommissionLineViewSet, basename="commission-line")

urlpatterns = [
    *router.urls,
    path("sales-targets-board/", views.BoardView.as_view(), name="sales-target-board"),
    path("expense-statistics/", views.ClaimStatsView.as_view(), name="expense-statistics"),
]
