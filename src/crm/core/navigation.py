"""The sidebar: apps register their menu entries; each entry shows only if the user may use it."""

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    icon: str = "circle"
    permission: str | None = None  # a function code; None: every logged-in user
    order: int = 100


@dataclass
class MenuSection:
    key: str
    label: str
    order: int
    items: list[MenuItem] = field(default_factory=list)


_sections: dict[str, MenuSection] = {}


def register_section(key: str, label, order: int) -> None:
    _sections.setdefault(key, MenuSection(key=key, label=label, order=order))


def register_item(section: str, item: MenuItem) -> None:
    _sections[section].items.append(item)
    _sections[section].items.sort(key=lambda entry: entry.order)


def menu_for(user) -> list[dict]:
    """The sections and entries this user may use, in order, with resolved URLs."""
    from crm.access.engine import access_for

    access = access_for(user)
    result = []
    for section in sorted(_sections.values(), key=lambda s: s.order):
        items = [
            {"label": item.label, "url": reverse(item.url_name), "icon": item.icon, "url_name": item.url_name}
            for item in section.items
            if item.permission is None or access.can(item.permission)
        ]
        if items:
            result.append({"key": section.key, "label": section.label, "items": items})
    return result


register_section("home", _("Home"), 0)
register_section("sales", _("Sales"), 10)
register_section("customers", _("Customers"), 20)
register_section("service", _("Service"), 30)
register_section("reports", _("Reports"), 40)
register_section("system", _("System"), 90)
register_item("home", MenuItem(_("Workbench"), "core:home", "speedometer2", None, 0))
register_item("home", MenuItem(_("Notifications"), "notifications:inbox", "bell", None, 10))
