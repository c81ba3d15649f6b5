"""回款 and 开票 lists, and the receivables ageing report (应收账龄), all in the viewer's scope."""

from django.shortcuts import render
from django.utils import timezone

from crm.access.decorators import crm_view
from crm.access.engine import access_for
from crm.core.pagination import CappedPaginator
from crm.sales import selectors
from crm.sales.forms import ReceiptFilterForm
from crm.sales.models import InvoiceStatus
from crm.sales.permissions import INVOICE, RECEIPT

PAGE_SIZE = 20
AGEING_ROWS = 200


@crm_view(f"{RECEIPT}.view")
def receipt_list(request):
    form = ReceiptFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.receipt_list(user=request.user, filters=filters)
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    status = 400 if form.is_bound and form.errors else 200
    context = {"form": form, "page_obj": page_obj, "may_export": access_for(request.user).can(f"{RECEIPT}.export")}
    return render(request, "sales/receipts.html", context, status=status)


@crm_view(f"{INVOICE}.view")
def invoice_list(request):
    status = request.GET.get("status") or InvoiceStatus.REQUESTED
    if status not in InvoiceStatus.values:
        status = InvoiceStatus.REQUESTED
    queryset = selectors.invoice_list(user=request.user, filters={"status": status})
    page_obj = CappedPaginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page_obj": page_obj, "status": status, "statuses": InvoiceStatus.choices,
               "may_export": access_for(request.user).can(f"{INVOICE}.export")}
    return render(request, "sales/invoices.html", context)


@crm_view(f"{RECEIPT}.view")
def ageing(request):
    group = request.GET.get("group") if request.GET.get("group") in selectors.GROUPS else "customer"
    today = timezone.localdate()
    rows = selectors.ageing(user=request.user, today=today, group=group, limit=AGEING_ROWS + 1)
    context = {
        "rows": rows[:AGEING_ROWS],
        "more": len(rows) > AGEING_ROWS,
        "totals": selectors.ageing_totals(rows[:AGEING_ROWS]),
        "group": group,
        "today": today,
    }
    return render(request, "sales/ageing.html", context)
