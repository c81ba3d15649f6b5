"""/api/v1/charts/<list>/ (crm.charts.api.views)."""

from django.urls import path

from crm.charts.api import views

urlpatterns = [
    path("charts/<slug:list>/", views.ChartViewSet.as_view({"get": "chart"}), name="chart"),
]
