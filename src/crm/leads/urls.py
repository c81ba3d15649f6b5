from django.urls import path

from crm.leads.views import leads, public, settings

app_name = "leads"

urlpatterns = [
    path("", leads.lead_list, name="list"),
    path("pool/", leads.lead_pool, name="pool"),
    path("new/", leads.lead_create, name="create"),
    path("assign/", leads.leads_bulk_assign, name="bulk_assign"),
    path("settings/", settings.lead_settings, name="settings"),
    path("web-form/", public.web_form, name="web_form"),
    path("<int:pk>/", leads.lead_detail, name="detail"),
    path("<int:pk>/edit/", leads.lead_edit, name="edit"),
    path("<int:pk>/delete/", leads.lead_delete, name="delete"),
    path("<int:pk>/follow-up/", leads.lead_follow_up, name="follow_up"),
    path("<int:pk>/assign/", leads.lead_assign, name="assign"),
    path("<int:pk>/claim/", leads.lead_claim, name="claim"),
    path("<int:pk>/release/", leads.lead_release, name="release"),
    path("<int:pk>/disqualify/", leads.lead_disqualify, name="disqualify"),
    path("<int:pk>/reopen/", leads.lead_reopen, name="reopen"),
    path("<int:pk>/convert/", leads.lead_convert, name="convert"),
]
