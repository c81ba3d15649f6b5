"""Every write to roles, their policies, and shares; plus keeping the built-in roles in step."""

from fnmatch import fnmatch

from django.db import transaction
from django.utils.translation import gettext as _

from crm.access import registry
from crm.access.defaults import DEFAULT_ROLES
from crm.access.engine import access_for, forget
from crm.access.models import FieldRule, KnownFunction, Role, RolePermission, RoleScope, Share
from crm.audit.models import AuditAction
from crm.audit.services import audit_create, audit_record, audit_update
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


@transaction.atomic
def role_create(*, actor, code: str, name: str, description: str = "", default_scope: str = "self") -> Role:
    access_for(actor).require("access.role.create")
    role = Role(code=code, name=name, description=description, default_scope=default_scope)
    full_clean(role)
    role.save()
    audit_create(actor=actor, instance=role)
    return role


@transaction.atomic
def role_update(*, actor, role: Role, data: dict) -> Role:
    access_for(actor).require("access.role.edit")
    fields = ROLE_FIELDS if not role.is_system else ["name", "description", "default_scope"]
    audit_update(actor=actor, instance=role, changes=model_update(instance=role, data=data, fields=fields))
    return role


@transaction.atomic
def role_delete(*, actor, role: Role) -> None:
    access_for(actor).require("access.role.delete")
    if role.is_system:
        raise Conflict(_("Built-in roles cannot be deleted."))
    if role.users.exists():
        raise Conflict(_("The role still has users. Take it from them first."))
    audit_record(actor=actor, action=AuditAction.DELETE, instance=role)
    role.delete()


@transaction.atomic
def role_set_policy(
    *, actor, role: Role, functions: set[str], scopes: dict[str, str], field_rules: dict[tuple[str, str], str]
) -> Role:
    """Replace a role's function permissions, per-resource scopes and field rules in one go."""
    access_for(actor).require("access.role.edit")
    unknown = set(functions) - registry.all_function_codes()
    if unknown:
        raise ValidationFailed(_("Unknown functions: %(codes)s") % {"codes": ", ".join(sorted(unknown))})
    for (resource_code, field_name), rule in field_rules.items():
        resource = registry.get(resource_code)
        if field_name not in resource.protected_fields:
            raise ValidationFailed(_("Field %(field)s cannot have a rule.") % {"field": field_name})
        if rule not in {"readonly", "masked", "hidden"}:
            raise ValidationFailed(_("Unknown field rule."))
    before = _policy_snapshot(role)
    RolePermission.objects.filter(role=role).exclude(code__in=functions).delete()
    RolePermission.objects.bulk_create([RolePermission(role=role, code=c) for c in functions], ignore_conflicts=True)
    RoleScope.objects.filter(role=role).delete()
    RoleScope.objects.bulk_create(
        [
            RoleScope(role=role, resource=res, scope=scope)
            for res, scope in scopes.items()
            if scope and scope != role.default_scope
        ]
    )
    FieldRule.objects.filter(role=role).delete()
    FieldRule.objects.bulk_create(
        [FieldRule(role=role, resource=res, field=name, rule=rule) for (res, name), rule in field_rules.items() if rule]
    )
    after = _policy_snapshot(role)
    changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
    audit_update(actor=actor, instance=role, changes=changes)
    return role


def _policy_snapshot(role: Role) -> dict:
    return {
        "functions": sorted(RolePermission.objects.filter(role=role).values_list("code", flat=True)),
        "scopes": sorted(f"{s.resource}={s.scope}" for s in RoleScope.objects.filter(role=role)),
        "field_rules": sorted(f"{r.resource}.{r.field}={r.rule}" for r in FieldRule.objects.filter(role=role)),
    }


@transaction.atomic
def user_set_roles(*, actor, user, roles) -> None:
    access_for(actor).require("identity.user.edit")
    before = sorted(user.roles.values_list("pk", flat=True))
    user.roles.set(roles)
    after = sorted(role.pk for role in roles)
    forget(user)
    audit_update(actor=actor, instance=user, changes={"roles": [before, after]} if before != after else {})


# --- shares ------------------------------------------------------------------------------------------
@transaction.atomic
def share_grant(*, actor, resource_code: str, obj, users, can_edit: bool = False) -> list[Share]:
    """Share one record with more users (共享). The actor must be able to edit the record."""
    resource = registry.get(resource_code)
    if not resource.shareable:
        raise ValidationFailed(_("This kind of record cannot be shared."))
    access_for(actor).check(resource_code, "edit", obj)
    shares = []
    for user in users:
        share, _created = Share.objects.update_or_create(
            resource=resource_code,
            object_id=obj.pk,
            user=user,
            defaults={"can_edit": can_edit, "created_by": actor},
        )
        shares.append(share)
    audit_record(
        actor=actor,
        action=AuditAction.SHARE,
        instance=obj,
        changes={"shared_with": [None, [u.pk for u in users]], "can_edit": [None, can_edit]},
    )
    return shares


@transaction.atomic
def share_revoke(*, actor, resource_code: str, obj, user) -> None:
    access_for(actor).check(resource_code, "edit", obj)
    deleted, _rows = Share.objects.filter(resource=resource_code, object_id=obj.pk, user=user).delete()
    if deleted:
        audit_record(actor=actor, action=AuditAction.SHARE, instance=obj, changes={"unshared": [user.pk, None]})
