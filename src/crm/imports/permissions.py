"""Menu entries of imports, exports and data cleaning. The rights are the record types' own:
customers.customer.import to import, customers.customer.export to export (ORG-6),
customers.customer.edit to clean; no new function codes."""

from django.utils.translation import gettext_lazy as _

from crm.core.navigation import MenuItem, register_item

register_item("customers", MenuItem(_("Import"), "imports:home", "box-arrow-in-down", "customers.customer.import", 60))
register_item(
    "customers", MenuItem(_("Exports"), "imports:export_list", "box-arrow-up", "customers.customer.export", 70)
)
register_item("customers", MenuItem(_("Data cleaning"), "imports:cleaning", "stars", "customers.customer.edit", 80))
