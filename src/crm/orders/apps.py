from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "crm.orders"
    label = "orders"
    verbose_name = _("Orders, products and inventory")

    def ready(self) -> None:
        from crm.orders import extensions, permissions  # noqa: F401  (registrations)
