"""Resources of the organisation app."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

register(
    Resource(
        code="identity.user",
        label=_("Users"),
        model="identity.User",
        actions=("view", "create", "edit", "delete", "depart"),
        protected_fields={"phone": "phone", "email": "email"},
        action_labels={"depart": _("Employee departure")},
    )
)
register(Resource(code="identity.department", label=_("Departments"), model="identity.Department"))
register_item("system", MenuItem(_("Users"), "identity:user_list", "people", "identity.user.view", 10))
register_item(
    "system", MenuItem(_("Departments"), "identity:department_list", "diagram-3", "identity.department.view", 20)
)
