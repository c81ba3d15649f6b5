"""The service statuses in the customer's words."""

from django.utils.translation import pgettext_lazy

from crm.service.models import ServiceStatus

CUSTOMER_STATUS = {
    ServiceStatus.NEW: pgettext_lazy("portal status", "Received"),  # 已受理
    ServiceStatus.ASSIGNED: pgettext_lazy("portal status", "Being handled"),  # 处理中
    ServiceStatus.HANDLED: pgettext_lazy("portal status", "Handled, awaiting your feedback"),  # 待您评价
    ServiceStatus.ARCHIVED: pgettext_lazy("portal status", "Closed"),  # 已完结
}


def customer_status(status: str) -> str:
    return str(CUSTOMER_STATUS.get(status, status))
