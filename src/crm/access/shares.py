"""Shares (共享): a record of a shareable resource given to one more user. The engine reads them
for data scopes; this module is the one place that writes or lists them."""

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from crm.access import registry
from crm.access.engine import access_for, forget
from crm.access.models import Share
from crm.audit.models import AuditAction
from crm.audit.services import audit_record
from crm.core.errors import ValidationFailed


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
        forget(user)  # its cached share list is stale now
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
    forget(user)
    if deleted:
        audit_record(actor=actor, action=AuditAction.SHARE, instance=obj, changes={"unshared": [user.pk, None]})


def shares_of(resource_code: str, obj) -> QuerySet:
    """Who a record is shared with (for its page), with their departments."""
    return Share.objects.filter(resource=resource_code, object_id=obj.pk).select_related("user", "user__department")


def shared_with(resource_code: str, user) -> QuerySet:
    """The ids of the records shared with `user`, as a sub-query."""
    return Share.objects.filter(resource=resource_code, user=user).values("object_id")


def shares_drop(resource_code: str | None = None, object_ids=None, *, user=None) -> int:
    """Drop shares without asking (the caller's service did): of these records, of one user, or
    both (a record handed to the user it was shared with). Returns how many."""
    shares = Share.objects.all()
    if resource_code is not None:
        shares = shares.filter(resource=resource_code)
    if object_ids is not None:
        shares = shares.filter(object_id__in=list(object_ids))
    if user is not None:
        shares = shares.filter(user=user)
    return shares.delete()[0]


def shares_move(resource_code: str, from_ids, to_id: int, *, skip_user_ids=()) -> None:
    """Records merged into one: their shares go to `to_id` (edit rights win), except for users
    who already have one there or are in `skip_user_ids` (its owner)."""
    skip = set(skip_user_ids) | set(
        Share.objects.filter(resource=resource_code, object_id=to_id).values_list("user_id", flat=True)
    )
    moved = {}
    for share in Share.objects.filter(resource=resource_code, object_id__in=list(from_ids)).order_by("-can_edit"):
        if share.user_id not in skip and share.user_id not in moved:
            moved[share.user_id] = Share(
                resource=resource_code, object_id=to_id, user_id=share.user_id, can_edit=share.can_edit
            )
    Share.objects.bulk_create(moved.values())
    shares_drop(resource_code, from_ids)
