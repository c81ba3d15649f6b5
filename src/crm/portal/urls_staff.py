from django.urls import path

from crm.portal.views import staff

app_name = "portal_staff"

urlpatterns = [
    path("customers/<int:customer_pk>/invite/", staff.invite, name="invite"),
    path("accounts/<int:pk>/deactivate/", staff.deactivate, name="deactivate"),
]
