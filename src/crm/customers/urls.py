from django.urls import path

from crm.customers.urls_admin import urlpatterns as admin_urlpatterns
from crm.customers.urls_contracts import urlpatterns as contract_urlpatterns
from crm.customers.views import detail, duplicates, ownership, related
from crm.customers.views import list as list_views

app_name = "customers"

urlpatterns = [
    path("", list_views.customer_list_page, name="list"),
    path("bulk/", list_views.customer_bulk, name="bulk"),
    path("bulk/<slug:action>/", list_views.bulk_form, name="bulk_form"),
    path("conditions/row/", list_views.condition_row, name="condition_row"),
    path("views/save/", list_views.saved_view_save, name="view_save"),
    path("views/<int:pk>/", list_views.saved_view_open, name="view_open"),
    path("views/<int:pk>/delete/", list_views.saved_view_delete, name="view_delete"),
    path("new/", detail.customer_create, name="create"),
    path("duplicate-check/", detail.duplicate_check, name="duplicate_check"),
    path("<int:pk>/", detail.customer_detail, name="detail"),
    path("<int:pk>/edit/", detail.customer_edit, name="edit"),
    path("<int:pk>/delete/", detail.customer_delete, name="delete"),
    path("<int:pk>/section/<slug:key>/", detail.customer_section, name="section"),
    path("<int:pk>/contacts/new/", related.contact_create, name="contact_create"),
    path("contacts/<int:pk>/edit/", related.contact_edit, name="contact_edit"),
    path("contacts/<int:pk>/delete/", related.contact_delete, name="contact_delete"),
    path("<int:pk>/follow-ups/new/", related.followup_create, name="followup_create"),
    path("<int:pk>/interactions/new/", related.interaction_create, name="interaction_create"),
    path("interactions/<int:pk>/edit/", related.interaction_edit, name="interaction_edit"),
    path("<int:pk>/share/", ownership.customer_share, name="share"),
    path("<int:pk>/share/<int:user_id>/remove/", ownership.customer_unshare, name="unshare"),
    path("<int:pk>/handover/", ownership.customer_handover, name="handover"),
    path("<int:pk>/release/", ownership.customer_release, name="release"),
    path("<int:pk>/claim/", ownership.customer_claim, name="claim"),
    path("pool/", ownership.pool_page, name="pool"),
    path("pool/assign/", ownership.pool_assign, name="assign"),
    path("pool/assign/bulk/", ownership.pool_assign_bulk, name="assign_bulk"),
    path("duplicates/", duplicates.duplicate_list, name="duplicates"),
    path("merge/", duplicates.merge_page, name="merge"),
    path("transfers/", duplicates.transfer_list, name="transfers"),
    path("transfers/new/", duplicates.transfer_create, name="transfer_create"),
    path("transfers/<int:pk>/decide/", duplicates.transfer_decide, name="transfer_decide"),
    *admin_urlpatterns,
    *contract_urlpatterns,
]
