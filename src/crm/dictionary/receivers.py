"""Cached picklists are forgotten whenever an item changes (crm.dictionary.selectors.item_map)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from crm.dictionary.models import DictionaryItem
from crm.dictionary.selectors import forget_items


@receiver([post_save, post_delete], sender=DictionaryItem, dispatch_uid="dictionary.items_changed")
def _items_changed(**kwargs) -> None:
    forget_items()
    transaction.on_commit(forget_items)
