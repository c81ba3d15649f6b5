"""/churn/value/: customer value and churn probability (SEG-4)."""

from django.urls import path

from crm.churn.views import value

app_name = "churn_value"

urlpatterns = [path("", value.value_list, name="list")]
