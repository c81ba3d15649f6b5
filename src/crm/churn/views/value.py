"""客户价值与流失概率 (SEG-4): the customers in the user's scope with the model's figures, at risk
first, so that managers act before the six-month rule warns (docs/orders-and-churn.md)."""

from django.shortcuts import render

from crm.access.decorators import crm_view
from crm.churn.forms_value import ValueFilterForm
from crm.churn.models import ACTIVE_STATES, ChurnWarning, ValueModel
from crm.churn.permissions import WARNING
from crm.churn.value import customer_values
from crm.core.pagination import CappedPaginator

PAGE_SIZE = 20


@crm_view(f"{WARNING}.view")
def value_list(request):
    form = ValueFilterForm(request.GET or None)
    page_obj = CappedPaginator(customer_values(user=request.user, filters=form.valid_filters()), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = list(page_obj.object_list)
    warned = dict(
        ChurnWarning.objects.filter(customer_id__in=[row.customer_id for row in rows], state__in=ACTIVE_STATES)
        .values_list("customer_id", "pk")
    )
    for row in rows:
        row.warning_id = warned.get(row.customer_id)
    model = ValueModel.objects.order_by("-fitted_at").first()
    context = {"form": form, "page_obj": page_obj, "rows": rows, "model": model}
    return render(request, "churn/value_list.html", context)
