from django.urls import path

from crm.reports import views

app_name = "reports"

urlpatterns = [
    path("contribution/", views.contribution, name="contribution"),
    path("composition/", views.composition, name="composition"),
    path("services/", views.services, name="services"),
    path("churn/", views.churn, name="churn"),
]
