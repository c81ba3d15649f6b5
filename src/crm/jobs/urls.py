from django.urls import path

from crm.jobs.views import pages

app_name = "jobs"

urlpatterns = [
    path("", pages.jobs_page, name="job_list"),
    path("runs/<int:pk>/", pages.run_detail, name="run_detail"),
    path("<str:name>/run/", pages.job_run, name="job_run"),
]
