"""Signal receivers of the customers app."""

from django.db import connections, transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.dispatch import receiver

from crm.customers.custom_fields import forget_definitions
from crm.customers.models import CustomField, DuplicateRule, Pool
from crm.customers.models.customer import forget_pool_map
from crm.customers.search import ensure_search_index
from crm.customers.selectors.scope import forget_active_pools
from crm.customers.services.duplicates import forget_rules
from crm.customers.services.ownership import on_user_departing
from crm.identity.signals import user_departing

user_departing.connect(on_user_departing, dispatch_uid="customers.on_user_departing")


@receiver(post_migrate, dispatch_uid="customers.ensure_search_index")
def _search_index(sender, using="default", **kwargs) -> None:
    if getattr(sender, "label", None) != "customers":
        return
    ensure_search_index(connections[using])


@receiver([post_save, post_delete], sender=Pool, dispatch_uid="customers.pools_changed")
@receiver(m2m_changed, sender=Pool.departments.through, dispatch_uid="customers.pool_departments_changed")
def _pools_changed(**kwargs) -> None:
    forget_active_pools()
    forget_pool_map()
    transaction.on_commit(forget_active_pools)  # and again once the change is visible to everyone
    transaction.on_commit(forget_pool_map)


@receiver([post_save, post_delete], sender=CustomField, dispatch_uid="customers.custom_fields_changed")
def _custom_fields_changed(**kwargs) -> None:
    forget_definitions()
    transaction.on_commit(forget_definitions)


@receiver([post_save, post_delete], sender=DuplicateRule, dispatch_uid="customers.rules_changed")
def _rules_changed(**kwargs) -> None:
    forget_rules()
    transaction.on_commit(forget_rules)
