from django.urls import path

from crm.reports import sales_views, views

app_name = "reports"

urlpatterns = [
    path("contribution/", views.contribution, name="contribution"),
    path("composition/", views.composition, name="composition"),
    path("services/", views.services, name="services"),
    path("churn/", views.churn, name="churn"),
    path("work/", sales_views.work_report, name="work"),
    path("products/", sales_views.products_report, name="products"),
    path("funnel/", sales_views.funnel_report, name="funnel"),
    path("dashboard/", sales_views.dashboard, name="dashboard"),
]
