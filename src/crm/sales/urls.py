from django.urls import path

from crm.sales.views import contracts, lists

app_name = "sales"

urlpatterns = [
    path("receipts/", lists.receipt_list, name="receipts"),
    path("invoices/", lists.invoice_list, name="invoices"),
    path("ageing/", lists.ageing, name="ageing"),
    path("contracts/<int:pk>/plans/new/", contracts.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", contracts.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", contracts.plan_delete, name="plan_delete"),
    path("contracts/<int:pk>/receipts/new/", contracts.receipt_create, name="receipt_create"),
    path("receipts/<int:pk>/delete/", contracts.receipt_delete, name="receipt_delete"),
    path("contracts/<int:pk>/invoices/new/", contracts.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/issue/", contracts.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/return/", contracts.invoice_return, name="invoice_return"),
]
