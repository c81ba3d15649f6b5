"""The sidebar: apps register their menu entries here; crm.console.menu shows each entry only to
users who may use it."""

from dataclasses import dataclass, field

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


def register_menu_section(key: str, label, order: int) -> None:
    _sections.setdefault(key, MenuSection(key=key, label=label, order=order))


def register_item(section: str, item: MenuItem) -> None:
    _sections[section].items.append(item)
    _sections[section].items.sort(key=lambda entry: entry.order)


def sections() -> list[MenuSection]:
    return sorted(_sections.values(), key=lambda s: s.order)


register_menu_section("home", _("Home"), 0)
register_menu_section("sales", _("Sales"), 10)
register_menu_section("customers", _("Customers"), 20)
register_menu_section("service", _("Customer service"), 30)
register_menu_section("reports", _("Reports"), 40)
register_menu_section("system", _("System"), 90)
register_item("home", MenuItem(_("Workbench"), "console:home", "speedometer2", None, 0))
register_item("home", MenuItem(_("Notifications"), "notifications:inbox", "bell", None, 10))
