"""Signal receivers of the customers app."""

from django.db import connections
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from crm.customers.search import ensure_search_index
from crm.customers.services.ownership import on_user_departing
from crm.identity.signals import user_departing

user_departing.connect(on_user_departing, dispatch_uid="customers.on_user_departing")


@receiver(post_migrate, dispatch_uid="customers.ensure_search_index")
def _search_index(sender, using="default", **kwargs) -> None:
    if getattr(sender, "label", None) != "customers":
        return
    ensure_search_index(connections[using])
