"""Every write to users and departments: validated, atomic, audited."""

from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access import registry
from crm.access.engine import access_for
from crm.access.models import Share
from crm.audit.models import AuditAction
from crm.audit.services import audit_create, audit_record, audit_update
from crm.core.errors import Conflict, ValidationFailed
from crm.core.services import full_clean, model_update
from crm.identity.models import ApiToken, Department, User, UserStatus

USER_FIELDS = ["username", "name", "employee_no", "phone", "email", "department", "superior", "status"]


# --- departments -----------------------------------------------------------------------------------
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
    department = Department(name=name, code=code, parent=parent, sort_order=sort_order, leader=leader)
    department.path = "/"  # set once the id is known
    full_clean(department, exclude=["path"])
    department.save()
    department.path = f"{parent.path if parent else '/'}{department.pk}/"
    department.depth = parent.depth + 1 if parent else 0
    department.save(update_fields=["path", "depth"])
    audit_create(actor=actor, instance=department)
    return department


@transaction.atomic
def department_update(*, actor, department: Department, data: dict) -> Department:
    access_for(actor).require("identity.department.edit")
    new_parent = data.get("parent", department.parent)
    changes = model_update(instance=department, data=data, fields=["name", "code", "sort_order", "leader"])
    if new_parent != department.parent:
        changes["parent"] = [department.parent_id, getattr(new_parent, "pk", None)]
        _department_move(department, new_parent)
    audit_update(actor=actor, instance=department, changes=changes)
    return department


def _department_move(department: Department, new_parent: Department | None) -> None:
    """Re-root a subtree with one set-based UPDATE of the paths below it."""
    if new_parent is not None and new_parent.path.startswith(department.path):
        raise ValidationFailed(
            _("A department cannot be moved under itself or its sub-departments."),
            fields={"parent": [_("A department cannot be moved under itself or its sub-departments.")]},
        )
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
        raise Conflict(_("Only an empty department without sub-departments can be deleted."))
    audit_record(actor=actor, action=AuditAction.DELETE, instance=department)
    department.delete()


# --- users -----------------------------------------------------------------------------------------------
@transaction.atomic
def user_create(
    *, actor, username: str, password: str, name: str = "", department: Department | None = None, roles=(), **fields
) -> User:
    if actor is not None:
        access_for(actor).require("identity.user.create")
    user = User(username=username, name=name, department=department, **fields)
    user.set_password(password)
    full_clean(user)
    user.save()
    if roles:
        user.roles.set(roles)
    audit_create(actor=actor, instance=user, fields=[f for f in USER_FIELDS if f != "username"] + ["username"])
    return user


@transaction.atomic
def user_update(*, actor, user: User, data: dict, roles=None) -> User:
    access_for(actor).require("identity.user.edit")
    before_status = user.status
    changes = model_update(instance=user, data=data, fields=USER_FIELDS)
    if roles is not None:
        before = sorted(user.roles.values_list("pk", flat=True))
        user.roles.set(roles)
        after = sorted(role.pk for role in roles)
        if before != after:
            changes["roles"] = [before, after]
    if before_status == UserStatus.NORMAL and user.status != UserStatus.NORMAL:
        end_sessions(user)
    audit_update(actor=actor, instance=user, changes=changes)
    return user


def profile_update(*, user: User, data: dict) -> User:
    """A user edits their own contact details (ORG-2); no permission needed for oneself."""
    with transaction.atomic():
        changes = model_update(instance=user, data=data, fields=["name", "phone", "email"])
        audit_update(actor=user, instance=user, changes=changes)
    return user


def password_change(*, user: User, new_password: str) -> None:
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action=AuditAction.UPDATE, instance=user, changes={"password": ["***", "***"]})


def end_sessions(user: User) -> int:
    """Log a user out everywhere: delete API tokens and every session that belongs to them.

    Disabled users are also refused on their next request (is_active is False), so this is
    belt and braces; sessions are scanned only when someone is disabled, which is rare.
    """
    ApiToken.objects.filter(user=user).delete()
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
    transaction, with one audit row per record type and one for the departure.
    """
    access_for(actor).require("identity.user.depart")
    if successor.pk == user.pk:
        raise ValidationFailed(
            _("The successor must be another user."), fields={"successor": [_("The successor must be another user.")]}
        )
    if successor.status != UserStatus.NORMAL:
        raise ValidationFailed(
            _("The successor must be an active user."),
            fields={"successor": [_("The successor must be an active user.")]},
        )
    moved: dict[str, int] = {}
    for resource in registry.all_resources():
        model = resource.model_class()
        for owner_field in resource.handover:
            count = model._default_manager.filter(**{owner_field: user}).update(**{owner_field: successor})
            if count:
                key = f"{resource.code}.{owner_field}"
                moved[key] = count
    Share.objects.filter(user=user).delete()
    user.status = UserStatus.LEFT
    user.save(update_fields=["status"])
    end_sessions(user)
    audit_record(
        actor=actor,
        action=AuditAction.DEPART,
        instance=user,
        changes={
            "status": [UserStatus.NORMAL, UserStatus.LEFT],
            "successor": [None, successor.pk],
            **{key: [count, 0] for key, count in moved.items()},
        },
        message=_("Records handed over to %(name)s") % {"name": successor},
    )
    return moved


def department_subtree_ids(department: Department) -> list[int]:
    return list(Department.objects.subtree_of(department).values_list("pk", flat=True))


__all__ = [
    "department_create",
    "department_delete",
    "department_update",
    "end_sessions",
    "password_change",
    "profile_update",
    "user_create",
    "user_depart",
    "user_update",
]
