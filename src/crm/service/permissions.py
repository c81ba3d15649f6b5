"""The service resource and the 客户服务 menu (s003/5 §3.3): create, assign, handle, feedback, archive."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

SERVICE = "service.service"
# 服务协议 (SRV-6): read by everyone who works with services, changed by administrators only
# (`service.agreement.edit` is denied to the built-in roles other than the administrator's).
AGREEMENT = "service.agreement"

register(
    Resource(
        code=SERVICE,
        label=_("Customer services"),
        model="service.Service",
        actions=("view", "create", "assign", "handle", "feedback", "export"),
        # Seen by whoever it is assigned to and its creator (and up their departments), and by
        # whoever may see its customer (ADR 0017: owners or parent).
        owner_fields=("assignee", "created_by"),
        parent=("customers.customer", "customer"),
        handover_fields=("assignee",),
        action_labels={
            "assign": _("Assign to a person"),
            "handle": _("Handle (record the handling)"),
            "feedback": _("Record the customer's feedback"),
        },
    )
)

register_item("service", MenuItem(_("Create service"), "service:create", "headset", f"{SERVICE}.create", 10))
register_item("service", MenuItem(_("Assign services"), "service:assign_list", "person-check", f"{SERVICE}.assign", 20))
register_item("service", MenuItem(_("Handle services"), "service:handle_list", "tools", f"{SERVICE}.handle", 30))
register_item(
    "service", MenuItem(_("Service feedback"), "service:feedback_list", "chat-heart", f"{SERVICE}.feedback", 40)
)
register_item("service", MenuItem(_("Service archive"), "service:archive", "archive", f"{SERVICE}.view", 50))

register(
    Resource(
        code=AGREEMENT,
        label=_("Service agreements"),
        model="service.ServiceAgreement",
        actions=("view", "edit"),
        action_labels={"edit": _("Add, change and remove service agreements")},
    )
)
register_item(
    "system", MenuItem(_("Service agreements"), "service:agreements", "stopwatch", f"{AGREEMENT}.edit", 48)
)
