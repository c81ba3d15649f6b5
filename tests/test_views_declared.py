"""Every door goes through the engine (issue 11): each page declares its function permission with
`crm_view` (or is public with `login_not_required`), each API view keeps the engine's permission
class, every function code a page, menu or template asks for is registered, and no template shows
a protected field without `field_value`."""

import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.views import APIView

from crm.access import registry
from crm.access.drf import FunctionPermission
from crm.core import extensions, navigation

SRC = Path(__file__).resolve().parent.parent / "src" / "crm"
# Views of Django and its packages, not ours: language switch, JS catalogue, schema and its docs.
FOREIGN = ("django.", "drf_spectacular.")


def _views(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from _views(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.callback


def _ours(view) -> bool:
    return view.__module__.startswith("crm.") and not view.__module__.startswith(FOREIGN)


def _known(code: str) -> bool:
    if code.endswith(".*"):
        return any(resource.code == code[:-2] for resource in registry.all_resources())
    return code in registry.all_function_codes()


def test_every_page_declares_its_permission_and_every_api_view_asks_the_engine(db):
    undeclared, unguarded, unknown = [], [], []
    for route, view in _views():
        view_class = getattr(view, "cls", None)
        if view_class is not None and issubclass(view_class, APIView):
            permissions = view_class.permission_classes
            if _ours(view) and FunctionPermission not in permissions and view_class.__name__ != "TokenView":
                unguarded.append(route)
        elif _ours(view):
            if not hasattr(view, "crm_function") and getattr(view, "login_required", True):
                undeclared.append(route)
            elif getattr(view, "crm_function", None) and not _known(view.crm_function):
                unknown.append((route, view.crm_function))
    assert undeclared == [], "pages without @crm_view or @login_not_required"
    assert unguarded == [], "API views without the engine's FunctionPermission"
    assert unknown == [], "function codes nobody registered"


def test_every_function_code_in_menus_panels_searches_and_templates_is_registered(db):
    codes = {item.permission for section in navigation.sections() for item in section.items if item.permission}
    codes |= {panel.permission for panel in extensions.panels() if panel.permission}
    codes |= {provider.permission for provider in extensions.search_providers() if provider.permission}
    for template in SRC.rglob("templates/**/*.html"):
        codes |= set(re.findall(r'{%\s*can\s+"([\w.*]+)"', template.read_text()))
    assert sorted(code for code in codes if not _known(code)) == []


def test_no_template_shows_a_protected_field_without_field_value():
    """A record's protected field is read through {% field_value %}, which masks or hides it."""
    leaks = []
    for resource in registry.all_resources():
        variable = resource.model.split(".")[1].lower()  # customers.Contact -> contact
        for name in resource.protected_fields:
            shown = re.compile(r"{{[^}]*\b" + variable + r"\." + name + r"\b")
            for template in SRC.rglob("templates/**/*.html"):
                if shown.search(template.read_text()):
                    leaks.append(f"{template.relative_to(SRC)}: {variable}.{name}")
    assert leaks == []
