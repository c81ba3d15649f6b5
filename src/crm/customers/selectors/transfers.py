"""Transfer requests (CUS-8) a user may see: one rule for the page and the API. The engine scopes
them by their requester and approver (customers.transfer's owner fields): a salesperson sees the
requests they made or decide, a supervisor those of their department, scope "all" every one."""

from django.db.models import QuerySet

from crm.access.engine import access_for
from crm.customers.models import TransferRequest, TransferStatus
from crm.customers.permissions import TRANSFER
from crm.customers.selectors.scope import customer_queryset

BOXES = ("mine", "to_decide", "others")


def transfer_list(*, user, box: str | None = None) -> QuerySet:
    """Newest first; `box` narrows to "mine" (made by me), "to_decide" (pending, decided by me)
    or "others" (in my scope, neither)."""
    queryset = access_for(user).scoped(
        TRANSFER, TransferRequest.objects.select_related("customer", "requester", "owner", "approver", "decided_by")
    )
    if box == "mine":
        queryset = queryset.filter(requester=user)
    elif box == "to_decide":
        queryset = queryset.filter(approver=user, status=TransferStatus.PENDING)
    elif box == "others":
        queryset = queryset.exclude(requester=user).exclude(approver=user, status=TransferStatus.PENDING)
    return queryset.order_by("-id")


def visible_customer_ids(user, requests) -> set[int]:
    """The requests' customers the user may open; the others' names are shown masked."""
    ids = {request.customer_id for request in requests}
    return set(customer_queryset(user).filter(pk__in=ids).values_list("pk", flat=True))
