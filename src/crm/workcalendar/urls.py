from django.urls import path

from crm.workcalendar.views import days

app_name = "workcalendar"

urlpatterns = [
    path("", days.day_list, name="days"),
    path("days/new/", days.day_create, name="day_create"),
    path("days/<int:pk>/edit/", days.day_edit, name="day_edit"),
    path("days/<int:pk>/delete/", days.day_delete, name="day_delete"),
    path("hours/", days.hours_edit, name="hours"),
]
