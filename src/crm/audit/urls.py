from django.urls import path

from crm.audit.views import events

app_name = "audit"

urlpatterns = [
    path("", events.event_list, name="event_list"),
    path("<int:pk>/", events.event_detail, name="event_detail"),
]
