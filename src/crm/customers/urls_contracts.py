"""Contracts (CUS-16) and attachments (CUS-12) pages, under /customers/."""

from django.urls import path

from crm.customers.views import contracts, files

urlpatterns = [
    path("contracts/", contracts.contract_list, name="contract_list"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/new/customers/", contracts.contract_customer_search, name="contract_customer_search"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract_detail"),
    path("contracts/<int:pk>/edit/", contracts.contract_edit, name="contract_edit"),
    path("contracts/<int:pk>/delete/", contracts.contract_delete, name="contract_delete"),
    path("contracts/<int:pk>/submit/", contracts.contract_submit, name="contract_submit"),
    path("contracts/<int:pk>/status/<slug:action>/", contracts.contract_transition, name="contract_transition"),
    path("contracts/<int:pk>/attachments/", contracts.contract_attachments, name="contract_attachments"),
    path("contracts/<int:pk>/attachments/new/", files.contract_attachment_upload, name="contract_attachment_upload"),
    path("<int:pk>/attachments/new/", files.attachment_upload, name="attachment_upload"),
    path("attachments/<int:pk>/download/", files.attachment_download, name="attachment_download"),
    path("attachments/<int:pk>/delete/", files.attachment_delete, name="attachment_delete"),
]
