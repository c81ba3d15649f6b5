from django.urls import path

from crm.salesadmin.views import claims, commissions, reports, targets

app_name = "salesadmin"

urlpatterns = [
    path("targets/", targets.target_board, name="targets"),
    path("targets/set/", targets.target_edit, name="target_edit"),
    path("targets/review/<int:user_pk>/<str:month_text>/", targets.review_edit, name="review_edit"),
    path("reports/", reports.report_index, name="reports"),
    path("reports/new/", reports.report_create, name="report_create"),
    path("reports/<int:pk>/", reports.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", reports.report_edit, name="report_edit"),
    path("claims/", claims.claim_index, name="claims"),
    path("claims/new/", claims.claim_create, name="claim_create"),
    path("claims/statistics/", claims.claim_stats, name="claim_stats"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/edit/", claims.claim_edit, name="claim_edit"),
    path("claims/<int:pk>/submit/", claims.claim_submit, name="claim_submit"),
    path("claims/<int:pk>/delete/", claims.claim_delete, name="claim_delete"),
    path("claims/<int:pk>/paid/", claims.claim_pay, name="claim_pay"),
    path("claim-lines/<int:pk>/receipt/", claims.line_receipt, name="line_receipt"),
    # Commissions 提成 (SADM-4)
    path("commissions/", commissions.commission_month, name="commissions"),
    path("commissions/rules/", commissions.commission_rules, name="commission_rules"),
    path("commissions/rules/new/", commissions.commission_rule_create, name="commission_rule_create"),
    path("commissions/rules/<int:pk>/", commissions.commission_rule_edit, name="commission_rule_edit"),
    path("commissions/lines/<int:pk>/", commissions.commission_line, name="commission_line"),
    path("commissions/lines/<int:pk>/delete/", commissions.commission_line_delete, name="commission_line_delete"),
    path("commissions/<str:month_text>/calculate/", commissions.commission_calculate, name="commission_calculate"),
    path("commissions/<str:month_text>/review/", commissions.commission_review, name="commission_review"),
    path("commissions/<str:month_text>/lock/", commissions.commission_lock, name="commission_lock"),
    path("commissions/<str:month_text>/adjust/", commissions.commission_adjust, name="commission_adjust"),
]
