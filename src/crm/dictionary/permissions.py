"""Resources and the sidebar entry of the data dictionary."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

register(Resource(code="dictionary.item", label=_("Data dictionary"), model="dictionary.DictionaryItem"))
register_item("system", MenuItem(_("Data dictionary"), "dictionary:item_list", "book", "dictionary.item.view", 40))
