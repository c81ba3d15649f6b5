from django.urls import path

from crm.notifications.views import inbox

app_name = "notifications"

urlpatterns = [
    path("", inbox.inbox, name="inbox"),
    path("read-all/", inbox.mark_all_read, name="mark_all_read"),
    path("<int:pk>/read/", inbox.mark_read, name="mark_read"),
    path("<int:pk>/open/", inbox.open_notification, name="open"),
]
