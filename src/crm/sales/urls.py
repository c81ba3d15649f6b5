from django.urls import path

from crm.sales.views import contracts, lines, lists, printing, quotes

app_name = "sales"

urlpatterns = [
    path("receipts/", lists.receipt_list, name="receipts"),
    path("invoices/", lists.invoice_list, name="invoices"),
    path("ageing/", lists.ageing, name="ageing"),
    path("quotes/", quotes.quote_list, name="quotes"),
    path("quotes/new/", quotes.quote_create, name="quote_create"),
    path("print-templates/", printing.print_template, name="print_template"),
    path("quotes/<int:pk>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/edit/", quotes.quote_edit, name="quote_edit"),
    path("quotes/<int:pk>/submit/", quotes.quote_submit, name="quote_submit"),
    path("quotes/<int:pk>/convert/", quotes.quote_convert, name="quote_convert"),
    path("quotes/<int:pk>/print/", quotes.quote_print, name="quote_print"),
    path("quotes/<int:pk>/pdf/", quotes.quote_pdf, name="quote_pdf"),
    path("quotes/<int:pk>/<str:action>/", quotes.quote_answer, name="quote_answer"),
    path("products/options/", lines.product_options, name="product_options"),
    path("contracts/<int:pk>/lines/", lines.contract_lines, name="contract_lines"),
    path("contracts/<int:pk>/print/", printing.contract_print, name="contract_print"),
    path("contracts/<int:pk>/pdf/", printing.contract_pdf, name="contract_pdf"),
    path("contracts/<int:pk>/plans/new/", contracts.plan_create, name="plan_create"),
    path("plans/<int:pk>/edit/", contracts.plan_edit, name="plan_edit"),
    path("plans/<int:pk>/delete/", contracts.plan_delete, name="plan_delete"),
    path("contracts/<int:pk>/receipts/new/", contracts.receipt_create, name="receipt_create"),
    path("receipts/<int:pk>/delete/", contracts.receipt_delete, name="receipt_delete"),
    path("contracts/<int:pk>/invoices/new/", contracts.invoice_create, name="invoice_create"),
    path("invoices/<int:pk>/issue/", contracts.invoice_issue, name="invoice_issue"),
    path("invoices/<int:pk>/return/", contracts.invoice_return, name="invoice_return"),
]
