"""Resources of the access app itself."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

register(Resource(code="access.role", label=_("Roles"), model="access.Role"))
register_item("system", MenuItem(_("Roles and permissions"), "access:role_list", "shield-lock", "access.role.view", 30))
