"""Helpers for tests and the demo: customers made through the real services."""

from crm.customers.models import Customer
from crm.customers.services.contacts import contact_create
from crm.customers.services.customers import customer_create
from crm.dictionary.models import DictionaryItem


def picklist(category: str, value: str | None = None) -> DictionaryItem:
    items = DictionaryItem.objects.filter(category=category).order_by("sort_order", "id")
    return items.get(value=value) if value else items.first()


def make_customer(*, manager, name: str, actor=None, confirm: bool = True, **data) -> Customer:
    """A customer owned by `manager`, created by `actor` (default: the manager)."""
    values = {
        "name": name,
        "region": data.pop("region", None) or picklist("region"),
        "level": data.pop("level", None) or picklist("customer_level"),
        "satisfaction": data.pop("satisfaction", 3),
        "credit": data.pop("credit", 3),
        **data,
    }
    return customer_create(actor=actor or manager, data=values, manager=manager, confirm_duplicates=confirm)


def make_contact(*, customer, actor=None, name: str = "张伟", **data):
    values = {"name": name, "gender": "male", "position": "经理", "office_phone": "021-62345678", **data}
    return contact_create(actor=actor or customer.manager, customer=customer, data=values)
