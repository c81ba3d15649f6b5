from django.urls import path

from crm.churn.views import warnings as views

app_name = "churn"

urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<int:pk>/", views.warning_detail, name="detail"),
    path("<int:pk>/measure/", views.measure_add, name="measure"),
    path("<int:pk>/confirm/", views.warning_confirm, name="confirm"),
]
