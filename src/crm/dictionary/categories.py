"""The registry of dictionary categories (数据字典类别).

A category is a stable code (`customer_level`) with a label (客户等级). Items store the code;
labels follow the user's language. Apps that own a picklist register its category when they
load, from their AppConfig.ready(), and seed its items with a data migration
(see crm.dictionary.seeding):

    from crm.dictionary.categories import register_category
    register_category("payment_method", _("Payment method"))

The categories below are the ones every part of the CRM shares (s003/1 下拉字段的初始化定义).
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Category:
    code: str
    label: str


_categories: dict[str, Category] = {}


def register_category(code: str, label) -> Category:
    """Add a category; registering the same code again with the same label is harmless."""
    category = Category(code=code, label=label)
    existing = _categories.get(code)
    if existing is not None and str(existing.label) != str(label):
        raise ValueError(f"dictionary category {code} registered twice with different labels")
    _categories[code] = existing or category
    return _categories[code]


def is_registered(code: str) -> bool:
    return code in _categories


def get(code: str) -> Category:
    return _categories[code]


def label(code: str) -> str:
    """The category's label, or the code itself for a category no loaded app registers."""
    category = _categories.get(code)
    return str(category.label) if category else code


def all_categories() -> list[Category]:
    """In registration order: the shared categories first, then the apps' own."""
    return list(_categories.values())


def choices() -> list[tuple[str, str]]:
    return [(category.code, category.label) for category in _categories.values()]


CUSTOMER_LEVEL = "customer_level"
SERVICE_TYPE = "service_type"
REGION = "region"
CUSTOMER_SOURCE = "customer_source"
INDUSTRY = "industry"
LOST_REASON = "lost_reason"
FOLLOWUP_METHOD = "followup_method"
OPPORTUNITY_SOURCE = "opportunity_source"
CUSTOMER_TYPE = "customer_type"
EXPENSE_TYPE = "expense_type"

register_category(CUSTOMER_LEVEL, _("Customer level"))
register_category(SERVICE_TYPE, _("Service type"))
register_category(REGION, _("Region"))
register_category(CUSTOMER_SOURCE, _("Customer source"))
register_category(INDUSTRY, _("Industry"))
register_category(LOST_REASON, _("Lost reason"))
register_category(FOLLOWUP_METHOD, _("Follow-up method"))
register_category(OPPORTUNITY_SOURCE, _("Opportunity source"))
register_category(CUSTOMER_TYPE, _("Customer type"))
register_category(EXPENSE_TYPE, _("Expense type"))
