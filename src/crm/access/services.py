"""Every write to roles and their policies; plus keeping the built-in roles in step."""

from fnmatch import fnmatch

from django.db import transaction
from django.utils.translation import gettext as _

from crm.access import registry
from crm.access.defaults import DEFAULT_ROLES
from crm.access.engine import access_for, forget
from crm.access.models import FieldRule, FieldRuleKind, KnownFunction, Role, RolePermission, RoleScope, Scope
from crm.audit.models import AuditAction
from crm.audit.services import audit_record, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.core.services import full_clean, model_update


@transaction.atomic
def roles_sync() -> None:
    """Create missing built-in roles; grant each newly registered function code once."""
    known = set(KnownFunction.objects.values_list("code", flat=True))
    all_codes = registry.all_function_codes()
    new_codes = sorted(all_codes - known)
    for default in DEFAULT_ROLES:
        role, created = Role.objects.get_or_create(
            code=default.code,
            defaults={
                "name": default.name,
                "description": default.description,
                "default_scope": default.default_scope,
                "is_system": True,
            },
        )
        offered = sorted(all_codes) if created else new_codes
        grants = [
            code
            for code in offered
            if any(fnmatch(code, p) for p in default.grants) and not any(fnmatch(code, p) for p in default.denies)
        ]
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=code) for code in grants], ignore_conflicts=True
        )
        if created:
            RoleScope.objects.bulk_create(
                [RoleScope(role=role, resource=res, scope=scope) for res, scope in default.scopes.items()]
            )
            FieldRule.objects.bulk_create(
                [FieldRule(role=role, resource=res, field=name, rule=rule) for res, name, rule in default.field_rules]
            )
    KnownFunction.objects.bulk_create([KnownFunction(code=code) for code in new_codes], ignore_conflicts=True)


ROLE_FIELDS = ["code", "name", "description", "default_scope"]
ADMIN_ROLE = "admin"
# The built-in administrator role keeps these, so nobody can lock everyone out of role editing.
ADMIN_KEEPS = ("access.role.view", "access.role.edit")


@transaction.atomic
def role_create(
    *,
    actor,
    code: str,
    name: str,
    description: str = "",
    default_scope: str = Scope.SELF,
    copy_from: Role | None = None,
    functions: set[str] | None = None,
    scopes: dict[str, str] | None = None,
    field_rules: dict[tuple[str, str], str] | None = None,
) -> Role:
    """A new role (ORG-3..5), empty or with the policy of `copy_from`; explicit parts win."""
    access_for(actor).require("access.role.create")
    if copy_from is not None:
        copied = _policy_of(copy_from)
        functions = copied["functions"] if functions is None else functions
        scopes = copied["scopes"] if scopes is None else scopes
        field_rules = copied["field_rules"] if field_rules is None else field_rules
    policy = _clean_policy(functions=functions or set(), scopes=scopes or {}, field_rules=field_rules or {})
    role = Role(code=code, name=name, description=description, default_scope=default_scope)
    full_clean(role)
    role.save()
    _apply_policy(role, **policy)
    changes = {field: [None, getattr(role, field)] for field in ROLE_FIELDS}
    changes.update({key: [None, value] for key, value in _policy_snapshot(role).items() if value})
    if copy_from is not None:
        changes["copied_from"] = [None, copy_from.pk]
    audit_record(actor=actor, action=AuditAction.CREATE, instance=role, changes=changes)
    return role


@transaction.atomic
def role_delete(*, actor, role: Role) -> None:
    access_for(actor).require("access.role.delete")
    if role.is_system:
        raise Conflict(_("Built-in roles cannot be deleted."))
    if role.users.exists():
        raise Conflict(_("The role still has users. Take it from them first."))
    changes = {field: [getattr(role, field), None] for field in ROLE_FIELDS}
    changes.update({key: [value, None] for key, value in _policy_snapshot(role).items() if value})
    audit_record(actor=actor, action=AuditAction.DELETE, instance=role, changes=changes)
    role.delete()


@transaction.atomic
def role_set_policy(
    *,
    actor,
    role: Role,
    data: dict | None = None,
    functions: set[str] | None = None,
    scopes: dict[str, str] | None = None,
    field_rules: dict[tuple[str, str], str] | None = None,
) -> Role:
    """Change a role's details and replace its policy in one go, with one audit event.

    `data` may hold name, description, default_scope (and code, for roles that are not built-in).
    `functions` (function codes), `scopes` ({resource: scope}; "" or None means the role's
    default scope) and `field_rules` ({(resource, field): rule}; "" or None means no rule) each
    replace what the role had; a part left as None stays as it is.
    """
    access_for(actor).require("access.role.edit")
    policy = _clean_policy(functions=functions, scopes=scopes, field_rules=field_rules)
    if role.code == ADMIN_ROLE and functions is not None:
        missing = [code for code in ADMIN_KEEPS if code not in policy["functions"]]
        if missing:
            message = _("The administrator role must keep: %(codes)s") % {"codes": ", ".join(missing)}
            raise ValidationFailed(message, fields={"functions": [message]})
    before = _policy_snapshot(role)
    fields = ROLE_FIELDS if not role.is_system else [f for f in ROLE_FIELDS if f != "code"]
    changes = model_update(instance=role, data=data or {}, fields=fields)
    _apply_policy(role, **policy)
    after = _policy_snapshot(role)
    changes.update({key: [before[key], after[key]] for key in before if before[key] != after[key]})
    audit_update(actor=actor, instance=role, changes=changes)
    forget(actor)
    return role


@transaction.atomic
def role_set_users(*, actor, role: Role, users) -> Role:
    """Give the role to exactly these users (and take it from everyone else)."""
    access_for(actor).require("access.role.edit")
    users = list(users)
    before = set(role.users.values_list("pk", flat=True))
    after = {user.pk for user in users}
    added = [user for user in users if user.pk not in before]
    inactive = [str(user) for user in added if not user.is_active]
    if inactive:
        message = _("Only active users can be given a role: %(names)s") % {"names": ", ".join(inactive)}
        raise ValidationFailed(message, fields={"users": [message]})
    if role.code == ADMIN_ROLE and not any(user.is_active for user in users):
        raise Conflict(_("The administrator role must keep at least one active user."))
    if before == after:
        return role
    role.users.remove(*(before - after))
    role.users.add(*added)
    for user in users:
        forget(user)
    forget(actor)
    audit_update(actor=actor, instance=role, changes={"users": [sorted(before), sorted(after)]})
    return role


def _clean_policy(*, functions, scopes, field_rules) -> dict:
    """Check a policy against the registry; ValidationFailed names the part that is wrong."""
    policy: dict = {"functions": None, "scopes": None, "field_rules": None}
    if functions is not None:
        functions = set(functions)
        unknown = functions - registry.all_function_codes()
        if unknown:
            message = _("Unknown functions: %(codes)s") % {"codes": ", ".join(sorted(unknown))}
            raise ValidationFailed(message, fields={"functions": [message]})
        policy["functions"] = functions
    if scopes is not None:
        cleaned_scopes = {}
        for resource_code, scope in scopes.items():
            if not scope:
                continue
            resource = _resource_or_none(resource_code)
            if resource is None or not resource.has_own_scope:
                message = _("%(resource)s has no data scope.") % {"resource": resource_code}
                raise ValidationFailed(message, fields={"scopes": [message]})
            if scope not in Scope.values:
                message = _("Unknown data scope: %(scope)s") % {"scope": scope}
                raise ValidationFailed(message, fields={"scopes": [message]})
            cleaned_scopes[resource_code] = scope
        policy["scopes"] = cleaned_scopes
    if field_rules is not None:
        cleaned_rules = {}
        for (resource_code, field_name), rule in field_rules.items():
            if not rule:
                continue
            resource = _resource_or_none(resource_code)
            if resource is None or field_name not in resource.protected_fields:
                message = _("Field %(field)s cannot have a rule.") % {"field": f"{resource_code}.{field_name}"}
                raise ValidationFailed(message, fields={"field_rules": [message]})
            if rule not in FieldRuleKind.values:
                message = _("Unknown field rule: %(rule)s") % {"rule": rule}
                raise ValidationFailed(message, fields={"field_rules": [message]})
            cleaned_rules[(resource_code, field_name)] = rule
        policy["field_rules"] = cleaned_rules
    return policy


def _resource_or_none(code: str):
    try:
        return registry.get(code)
    except KeyError:
        return None


def _apply_policy(role: Role, *, functions, scopes, field_rules) -> None:
    """Replace the parts given (already cleaned); explicit scopes are kept even if equal to the default."""
    if functions is not None:
        RolePermission.objects.filter(role=role).exclude(code__in=functions).delete()
        RolePermission.objects.bulk_create(
            [RolePermission(role=role, code=code) for code in sorted(functions)], ignore_conflicts=True
        )
    if scopes is not None:
        RoleScope.objects.filter(role=role).delete()
        RoleScope.objects.bulk_create(
            [RoleScope(role=role, resource=res, scope=scope) for res, scope in sorted(scopes.items())]
        )
    if field_rules is not None:
        FieldRule.objects.filter(role=role).delete()
        FieldRule.objects.bulk_create(
            [
                FieldRule(role=role, resource=res, field=name, rule=rule)
                for (res, name), rule in sorted(field_rules.items())
            ]
        )


def _policy_of(role: Role) -> dict:
    return {
        "functions": set(RolePermission.objects.filter(role=role).values_list("code", flat=True)),
        "scopes": dict(RoleScope.objects.filter(role=role).values_list("resource", "scope")),
        "field_rules": {
            (resource, field): rule
            for resource, field, rule in FieldRule.objects.filter(role=role).values_list("resource", "field", "rule")
        },
    }


def _policy_snapshot(role: Role) -> dict:
    """The policy as sorted lists of text, for the audit log's before/after."""
    policy = _policy_of(role)
    return {
        "functions": sorted(policy["functions"]),
        "scopes": sorted(f"{res}={scope}" for res, scope in policy["scopes"].items()),
        "field_rules": sorted(f"{res}.{name}={rule}" for (res, name), rule in policy["field_rules"].items()),
    }
