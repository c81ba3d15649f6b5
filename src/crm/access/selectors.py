"""Reads for the roles and permissions administration (ORG-3..6): roles, their policies, and the
catalogue of everything a role can be given (from crm.access.registry)."""

from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from crm.access import registry
from crm.access.engine import access_for
from crm.access.models import FieldRule, Role, RolePermission, RoleScope

STANDARD_ACTION_LABELS = {
    "view": _("View"),
    "create": _("Create"),
    "edit": _("Edit"),
    "delete": _("Delete"),
}
# Labels for verbs many modules use; a resource's own action_labels win.
COMMON_ACTION_LABELS = {
    "export": _("Export"),
    "import": _("Import"),
    "assign": _("Assign"),
    "approve": _("Approve"),
    "share": _("Share"),
    "claim": _("Claim"),
    "release": _("Release"),
}


# --- roles ---------------------------------------------------------------------------------------
def role_list(*, user) -> QuerySet:
    """The roles, with `user_count`; empty for users who may not view roles."""
    queryset = Role.objects.annotate(user_count=Count("users", distinct=True)).order_by("id")
    return access_for(user).scoped("access.role", queryset)


def role_list_detailed(*, user) -> QuerySet:
    """The roles with everything the API shows prefetched: a fixed number of queries per page."""
    return role_list(user=user).prefetch_related(
        Prefetch("permissions", queryset=RolePermission.objects.order_by("code")),
        Prefetch("scopes", queryset=RoleScope.objects.order_by("resource")),
        Prefetch("field_rules", queryset=FieldRule.objects.order_by("resource", "field")),
        Prefetch("users", queryset=get_user_model().objects.only("id").order_by("id")),
    )


def role_get(*, user, pk, detailed: bool = False) -> Role:
    """One role, or NotFound."""
    queryset = role_list_detailed(user=user) if detailed else role_list(user=user)
    return access_for(user).get("access.role", pk, queryset=queryset)


def role_policy(*, role: Role) -> dict:
    """{"functions": set of codes, "scopes": {resource: scope}, "field_rules": {(resource, field): rule}}."""
    return {
        "functions": set(role.permissions.values_list("code", flat=True)),
        "scopes": dict(role.scopes.values_list("resource", "scope")),
        "field_rules": {
            (res, name): rule for res, name, rule in role.field_rules.values_list("resource", "field", "rule")
        },
    }


def role_users(*, role: Role) -> QuerySet:
    return role.users.select_related("department").order_by("name", "username")


def role_candidate_users(*, role: Role) -> QuerySet:
    """Active users who do not hold the role yet: the choices for "add a user"."""
    users = get_user_model().objects.active().exclude(roles=role)
    return users.select_related("department").order_by("name", "username")


# --- the catalogue of functions -------------------------------------------------------------------------
@dataclass(frozen=True)
class ActionEntry:
    action: str
    code: str
    label: str


@dataclass(frozen=True)
class ProtectedField:
    field: str
    label: str
    kind: str


@dataclass(frozen=True)
class ResourceEntry:
    code: str
    label: str
    app: str
    scoped: bool
    shareable: bool
    actions: list[ActionEntry]
    protected_fields: list[ProtectedField]

    def action(self, name: str) -> ActionEntry | None:
        return next((entry for entry in self.actions if entry.action == name), None)

    @property
    def extra_actions(self) -> list[ActionEntry]:
        return [entry for entry in self.actions if entry.action not in STANDARD_ACTION_LABELS]


@dataclass(frozen=True)
class AppGroup:
    app: str
    label: str
    resources: list[ResourceEntry] = field(default_factory=list)


def action_label(resource: registry.Resource, action: str):
    if action in resource.action_labels:
        return resource.action_labels[action]
    return STANDARD_ACTION_LABELS.get(action) or COMMON_ACTION_LABELS.get(action, action)


def _field_label(resource: registry.Resource, name: str):
    try:
        return resource.model_class()._meta.get_field(name).verbose_name
    except (FieldDoesNotExist, LookupError):
        return name


def _app_label(app: str):
    try:
        return apps.get_app_config(app).verbose_name
    except LookupError:
        return app


def resource_entry(resource: registry.Resource) -> ResourceEntry:
    return ResourceEntry(
        code=resource.code,
        label=resource.label,
        app=resource.code.split(".", 1)[0],
        scoped=resource.has_own_scope,
        shareable=resource.shareable,
        actions=[ActionEntry(a, resource.function_code(a), action_label(resource, a)) for a in resource.actions],
        protected_fields=[
            ProtectedField(name, _field_label(resource, name), kind) for name, kind in resource.protected_fields.items()
        ],
    )


def function_catalogue() -> list[ResourceEntry]:
    """Every registered resource with its actions, function codes and protected fields, by code."""
    return [resource_entry(resource) for resource in registry.all_resources()]


def function_catalogue_by_app() -> list[AppGroup]:
    """The catalogue grouped by app, in the order of the registry's resource codes."""
    groups: dict[str, AppGroup] = {}
    for entry in function_catalogue():
        if entry.app not in groups:
            groups[entry.app] = AppGroup(app=entry.app, label=_app_label(entry.app))
        groups[entry.app].resources.append(entry)
    return list(groups.values())
