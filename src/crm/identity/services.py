"""Every write to users and departments: validated, atomic, audited (ORG-1, ORG-2, ORG-7)."""

from django.contrib.auth import password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import registry
from crm.access.engine import access_for, forget
from crm.access.models import RolePermission
from crm.access.shares import shares_drop
from crm.audit.models import AuditAction
from crm.audit.services import audit_create, audit_delete, audit_record, audit_update, snapshot
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.services import full_clean, model_update
from crm.identity.models import Department, User, UserStatus
from crm.identity.signals import user_departing
from crm.identity.tokens import tokens_revoke

USER_FIELDS = ["username", "name", "employee_no", "phone", "email", "department", "superior", "status"]
DEPARTMENT_FIELDS = ["name", "code", "sort_order", "leader"]


def _invalid(field: str, message) -> ValidationFailed:
    return ValidationFailed(message, fields={field: [message]})


# --- departments -----------------------------------------------------------------------------------
def _check_sibling_name(name: str, parent: Department | None, exclude_pk=None) -> None:
    siblings = Department.objects.filter(parent=parent, name=name)
    if exclude_pk is not None:
        siblings = siblings.exclude(pk=exclude_pk)
    if siblings.exists():
        raise _invalid("name", _("A department with this name already exists at this place of the tree."))


@transaction.atomic
def department_create(
    *,
    actor,
    name: str,
    parent: Department | None = None,
    code: str = "",
    sort_order: int = 0,
    leader: User | None = None,
) -> Department:
    access_for(actor).require("identity.department.create")
    department = Department(name=name, code=code or "", parent=parent, sort_order=sort_order or 0, leader=leader)
    full_clean(department, exclude=["path"])
    _check_sibling_name(department.name, parent)
    department.insert()
    audit_create(actor=actor, instance=department)
    return department


@transaction.atomic
def department_update(*, actor, department: Department, data: dict) -> Department:
    """Rename, re-code, re-order, set the leader, and (with "parent" in data) move the subtree."""
    access_for(actor).require("identity.department.edit")
    moving = "parent" in data and getattr(data["parent"], "pk", None) != department.parent_id
    new_parent = data["parent"] if moving else department.parent
    if "name" in data or moving:
        _check_sibling_name(data.get("name", department.name), new_parent, exclude_pk=department.pk)
    changes = model_update(instance=department, data=data, fields=DEPARTMENT_FIELDS)
    if moving:
        changes["parent"] = [department.parent_id, getattr(new_parent, "pk", None)]
        _department_move(department, new_parent)
    audit_update(actor=actor, instance=department, changes=changes)
    return department


def _department_move(department: Department, new_parent: Department | None) -> None:
    """Re-root a subtree with one set-based UPDATE of the paths below it."""
    if new_parent is not None:
        new_parent.refresh_from_db(fields=["path", "depth"])
        if new_parent.path.startswith(department.path):
            raise _invalid("parent", _("A department cannot be moved under itself or its sub-departments."))
    old_path = department.path
    new_path = f"{new_parent.path if new_parent else '/'}{department.pk}/"
    depth_change = (new_parent.depth + 1 if new_parent else 0) - department.depth
    Department.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1)),
        depth=F("depth") + depth_change,
    )
    Department.objects.filter(pk=department.pk).update(parent=new_parent)
    department.refresh_from_db()


@transaction.atomic
def department_delete(*, actor, department: Department) -> None:
    access_for(actor).require("identity.department.delete")
    if department.children.exists() or department.members.exists():
        raise Conflict(_("Only an empty department without sub-departments or members can be deleted."))
    audit_delete(actor=actor, instance=department, fields=["name", "code", "parent", "path"])
    department.delete()


# --- users -----------------------------------------------------------------------------------------------
def _validate_password(password: str, user: User, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationFailed(fields={field: list(exc.messages)}) from exc


def _normalise(data: dict) -> dict:
    data = dict(data)
    if "employee_no" in data:
        data["employee_no"] = (data["employee_no"] or "").strip() or None
    for name in ("name", "phone", "email", "username"):
        if name in data and isinstance(data[name], str):
            data[name] = data[name].strip()
    return data


def _check_superior(user: User, superior: User | None) -> None:
    if superior is None:
        return
    if user.pk is not None and superior.pk == user.pk:
        raise _invalid("superior", _("A user cannot be their own superior."))
    if superior.status != UserStatus.NORMAL:
        raise _invalid("superior", _("The superior must be an active user."))


def _check_role_grant(actor, roles, current_ids=()) -> None:
    """Nobody hands out more than they hold: roles added must carry only functions the actor has."""
    access = access_for(actor)
    if access.superuser:
        return
    added = [role.pk for role in roles if role.pk not in set(current_ids)]
    if not added:
        return
    codes = set(RolePermission.objects.filter(role_id__in=added).values_list("code", flat=True))
    if not codes <= set(access.functions):
        raise PermissionDenied(_("You cannot give a role with more permissions than your own."))


@transaction.atomic
def user_create(
    *, actor, username: str, password: str, name: str = "", department: Department | None = None, roles=(), **fields
) -> User:
    """A new login. `actor=None` only for system commands (first administrator, demo data)."""
    if actor is not None:
        access_for(actor).require("identity.user.create")
        _check_role_grant(actor, roles)
    data = _normalise({"username": username, "name": name, **fields})
    user = User(department=department, **data)
    _check_superior(user, user.superior)
    full_clean(user, exclude=["password"])
    _validate_password(password, user)
    user.set_password(password)
    user.save()
    role_ids = sorted(role.pk for role in roles)
    if roles:
        user.roles.set(roles)
    changes = {name: [None, value] for name, value in snapshot(user, USER_FIELDS).items()}
    if role_ids:
        changes["roles"] = [None, role_ids]
    audit_record(actor=actor, action=AuditAction.CREATE, instance=user, changes=changes)
    return user


@transaction.atomic
def user_update(*, actor, user: User, data: dict, roles=None) -> User:
    """Change a user's fields and roles. Leaving the normal status ends their sessions and tokens."""
    access = access_for(actor)
    access.require("identity.user.edit")
    data = _normalise(data)
    if "status" in data and data["status"] != user.status:
        if getattr(actor, "pk", None) == user.pk:
            raise _invalid("status", _("You cannot change the status of your own account."))
        if data["status"] == UserStatus.LEFT:
            # Leaving hands the employee's records over: only user_depart does that (ORG-7).
            raise _invalid("status", _("Use the employee departure to mark someone as left."))
    if "superior" in data:
        _check_superior(user, data["superior"])
    before_status = user.status
    changes = model_update(instance=user, data=data, fields=USER_FIELDS)
    if roles is not None:
        before = sorted(user.roles.values_list("pk", flat=True))
        _check_role_grant(actor, roles, before)
        after = sorted({role.pk for role in roles})
        if before != after:
            user.roles.set(roles)
            changes["roles"] = [before, after]
            forget(user)
    if before_status == UserStatus.NORMAL and user.status != UserStatus.NORMAL:
        end_sessions(user)
    audit_update(actor=actor, instance=user, changes=changes)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> User:
    """An administrator sets a new password (a forgotten one). Every session and token of the
    user ends; an administrator setting their own keeps the session making the change (the view
    renews it), as `password_change` does."""
    access_for(actor).require("identity.user.edit")
    _validate_password(password, user)
    if getattr(actor, "pk", None) == user.pk:
        password_change(user=user, new_password=password)
        return user
    user.set_password(password)
    user.save(update_fields=["password"])
    end_sessions(user)
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=user, changes={"password": ["***", "***"]})
    return user


def profile_update(*, user: User, data: dict) -> User:
    """A user edits their own contact details (ORG-2); no permission needed for oneself."""
    with transaction.atomic():
        changes = model_update(instance=user, data=_normalise(data), fields=["name", "phone", "email"])
        audit_update(actor=user, instance=user, changes=changes)
    return user


def password_change(*, user: User, new_password: str, keep_token: str | None = None) -> None:
    """A user's own new password. Their other sessions end by themselves (a session carries a hash
    of the password it was opened with); every API token ends but `keep_token`, the one making the
    change. The page making it renews its own session (update_session_auth_hash)."""
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        tokens_revoke(user=user, keep=keep_token)
        audit_record(actor=user, action=AuditAction.UPDATE, instance=user, changes={"password": ["***", "***"]})


def end_sessions(user: User) -> int:
    """Log a user out everywhere: delete API tokens and every session that belongs to them.

    Disabled users are also refused on their next request (is_active is False), so this is
    belt and braces; sessions are scanned only when someone is disabled, which is rare.
    """
    tokens_revoke(user=user)
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_depart(*, actor, user: User, successor: User) -> dict[str, int]:
    """Employee departure (ORG-7): disable the login and hand every owned record to a successor.

    Each app's registered resources name their owner fields; all of them move in this one
    transaction (one set-based UPDATE per field), with one audit row per record type moved and
    one for the departure. Direct reports and led departments go to the successor as well.
    Returns {"<resource>.<field>": count} for what moved.
    """
    access_for(actor).require("identity.user.depart")
    if getattr(actor, "pk", None) == user.pk:
        raise _invalid("successor", _("You cannot hand over your own account."))
    if successor.pk == user.pk:
        raise _invalid("successor", _("The successor must be another user."))
    if successor.status != UserStatus.NORMAL:
        raise _invalid("successor", _("The successor must be an active user."))
    if user.status == UserStatus.LEFT:
        raise Conflict(_("This employee has already left."))
    moved: dict[str, int] = {}
    for _receiver, result in user_departing.send(sender=User, actor=actor, user=user, successor=successor):
        moved.update(result or {})
    for resource in registry.all_resources():
        model = resource.model_class()
        for owner_field in resource.handover:
            count = model._default_manager.filter(**{owner_field: user}).update(**{owner_field: successor})
            if count:
                key = f"{resource.code}.{owner_field}"
                moved[key] = count
                audit_record(
                    actor=actor,
                    action=AuditAction.HANDOVER,
                    changes={owner_field: [user.pk, successor.pk], "count": [None, count]},
                    object_repr=str(resource.label),
                    message=_("%(count)d record(s) handed over from %(old)s to %(new)s")
                    % {"count": count, "old": user, "new": successor},
                )
    subordinates = User.objects.filter(superior=user).exclude(pk=successor.pk).update(superior=successor)
    if subordinates:
        moved["identity.user.superior"] = subordinates
    led = Department.objects.filter(leader=user).update(leader=successor)
    if led:
        moved["identity.department.leader"] = led
    shares_drop(user=user)
    before_status = user.status
    user.status = UserStatus.LEFT
    user.save(update_fields=["status"])
    end_sessions(user)
    audit_record(
        actor=actor,
        action=AuditAction.DEPART,
        instance=user,
        changes={
            "status": [before_status, UserStatus.LEFT],
            "successor": [None, successor.pk],
            **{key: [count, 0] for key, count in moved.items()},
        },
        message=_("Records handed over to %(name)s") % {"name": successor},
    )
    return moved


__all__ = [
    "department_create", "department_delete", "department_update", "end_sessions", "password_change", "profile_update",
    "user_create", "user_depart", "user_set_password", "user_update",
]
