"""Orders, products and inventory (ORD-1…4): read by the sales and service teams, written only by
the ERP's integration (a service account whose role grants `orders.integration.push` alone)."""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item, register_menu_section

ORDER = "orders.order"
PRODUCT = "products.product"
STOCK = "inventory.stock"
INTEGRATION = "orders.integration"

register(
    Resource(
        code=ORDER,
        label=_("Orders"),
        model="orders.Order",
        actions=("view", "export", "resolve"),
        # Seen by whoever may see its customer; an order with no customer yet only by those who
        # see every customer or resolve unmatched orders.
        parent=("customers.customer", "customer"),
        action_labels={"resolve": _("Name the customer of unmatched orders")},
    )
)
register(Resource(code=PRODUCT, label=_("Products"), model="orders.Product", actions=("view", "export")))
register(Resource(code=STOCK, label=_("Inventory"), model="orders.Stock", actions=("view", "export")))
register(
    Resource(
        code=INTEGRATION,
        label=_("ERP integration"),
        model="orders.Order",
        actions=("push",),
        action_labels={"push": _("Send products, inventory and orders from the ERP")},
    )
)

# s003/5 §3.5 基础数据: the product and inventory queries sit beside the data dictionary.
register_menu_section("basic", _("Basic data"), 50)
register_item("basic", MenuItem(_("Products"), "orders:products", "box-seam", f"{PRODUCT}.view", 10))
register_item("basic", MenuItem(_("Inventory"), "orders:inventory", "boxes", f"{STOCK}.view", 20))
register_item("system", MenuItem(_("Unmatched orders"), "orders:unmatched", "link-45deg", f"{ORDER}.resolve", 52))
