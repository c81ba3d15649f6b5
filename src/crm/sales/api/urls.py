"""REST API of payments and invoices."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from crm.sales.api import views

router = SimpleRouter()
router.register(r"contracts/(?P<contract_pk>\d+)/payment-plans", views.ContractPlanViewSet, basename="contract-plan")
router.register(r"contracts/(?P<contract_pk>\d+)/receipts", views.ContractReceiptViewSet, basename="contract-receipt")
router.register(r"contracts/(?P<contract_pk>\d+)/invoices", views.ContractInvoiceViewSet, basename="contract-invoice")
router.register("payment-plans", views.PlanViewSet, basename="payment-plan")
router.register("receipts", views.ReceiptViewSet, basename="receipt")
router.register("invoices", views.InvoiceViewSet, basename="invoice")
router.register("quotes", views.QuoteViewSet, basename="quote")

urlpatterns = [
    *router.urls,
    path("contracts/<int:contract_pk>/lines/", views.ContractLinesView.as_view(), name="contract-lines"),
    path("customers/<int:customer_pk>/invoicing/", views.InvoicingDetailsView.as_view(), name="customer-invoicing"),
    path("reports/ageing/", views.AgeingView.as_view(), name="report-ageing"),
]
