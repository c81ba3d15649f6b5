"""Every write of announcements and the know-how board: the permission asked, the values checked,
the change and its audit entry in one transaction.

Read receipts and likes are closed in the database: a receipt is an INSERT that does nothing on
conflict with the unique (announcement, user); a like is a unique row whose insert or delete moves
the count on the post or answer with an UPDATE … SET like_count = like_count ± 1.
"""

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.bulletin import permissions, selectors, text
from crm.bulletin.models import (
    TAGS_MAX,
    Announcement,
    AnnouncementDepartment,
    AnnouncementRead,
    Answer,
    AnswerLike,
    Post,
    PostLike,
)
from crm.bulletin.permissions import ANNOUNCEMENT, POST
from crm.core.errors import PermissionDenied, ValidationFailed
from crm.core.services import full_clean, model_update

ANNOUNCEMENT_FIELDS = ["title", "body", "to_all", "pinned", "publish_at", "expires_at"]
POST_FIELDS = ["title", "body", "tags"]


def _stripped(data: dict, names: list[str]) -> dict:
    values = {}
    for name in names:
        if name in data:
            value = data[name]
            values[name] = value.strip() if isinstance(value, str) else value
    return values


# --- Announcements -----------------------------------------------------------------------------


def _audience(*, actor, data: dict, current=None) -> list:
    """The departments checked against the actor's scope; "everyone" only with the scope "all"."""
    to_all = data.get("to_all", current.to_all if current else False)
    departments = data.get("departments")
    if departments is None:
        departments = selectors.audience_departments(current) if current else []
    departments = list(dict.fromkeys(departments))
    if to_all and not selectors.may_address_everyone(actor):
        raise ValidationFailed(fields={"to_all": [_("You may send announcements to your departments only.")]})
    if not to_all and not departments:
        raise ValidationFailed(fields={"departments": [_("Choose the departments, or send it to everyone.")]})
    allowed = set(selectors.departments_to_address(actor).filter(
        pk__in=[d.pk for d in departments]).values_list("pk", flat=True))
    if any(d.pk not in allowed for d in departments):
        raise ValidationFailed(fields={"departments": [_("You may not send announcements to this department.")]})
    return [] if to_all else departments


def _check_times(publish_at, expires_at) -> None:
    if expires_at and publish_at and expires_at <= publish_at:
        raise ValidationFailed(fields={"expires_at": [_("The expiry must be after the publish time.")]})


def _set_audience(announcement: Announcement, departments: list) -> None:
    AnnouncementDepartment.objects.filter(announcement=announcement).exclude(
        department__in=departments).delete()
    AnnouncementDepartment.objects.bulk_create(
        [AnnouncementDepartment(announcement=announcement, department=d) for d in departments],
        ignore_conflicts=True,
    )


@transaction.atomic
def announcement_publish(*, actor, data: dict) -> Announcement:
    """A new announcement by `actor`, to everyone or to `data["departments"]` (published at
    `publish_at`, now by default)."""
    access_for(actor).require(f"{ANNOUNCEMENT}.publish")
    departments = _audience(actor=actor, data=data)
    values = _stripped(data, ANNOUNCEMENT_FIELDS)
    if not values.get("publish_at"):
        values["publish_at"] = timezone.now()
    announcement = Announcement(author=actor, **values)
    full_clean(announcement)
    _check_times(announcement.publish_at, announcement.expires_at)
    announcement.save()
    _set_audience(announcement, departments)
    audit_create(actor=actor, instance=announcement, fields=ANNOUNCEMENT_FIELDS)
    selectors.banner_forget()
    return announcement


@transaction.atomic
def announcement_update(*, actor, announcement: Announcement, data: dict) -> Announcement:
    if not permissions.manages(actor, announcement):
        raise PermissionDenied()
    before = [d.pk for d in selectors.audience_departments(announcement)]
    departments = _audience(actor=actor, data=data, current=announcement)
    values = _stripped(data, ANNOUNCEMENT_FIELDS)
    if "publish_at" in values and not values["publish_at"]:
        values.pop("publish_at")
    _check_times(values.get("publish_at", announcement.publish_at), values.get("expires_at", announcement.expires_at))
    changes = model_update(instance=announcement, data=values, fields=list(values))
    _set_audience(announcement, departments)
    after = [d.pk for d in departments]
    if sorted(before) != sorted(after):
        changes["departments"] = [sorted(before), sorted(after)]
    audit_update(actor=actor, instance=announcement, changes=changes)
    selectors.banner_forget()
    return announcement


@transaction.atomic
def announcement_delete(*, actor, announcement: Announcement) -> None:
    if not permissions.manages(actor, announcement):
        raise PermissionDenied()
    audit_delete(actor=actor, instance=announcement, fields=ANNOUNCEMENT_FIELDS)
    announcement.delete()
    selectors.banner_forget()


def announcement_read(*, user, announcement: Announcement) -> None:
    """The user's read receipt, once: INSERT … ON CONFLICT DO NOTHING on (announcement, user)."""
    AnnouncementRead.objects.bulk_create(
        [AnnouncementRead(announcement=announcement, user=user)], ignore_conflicts=True
    )
    selectors.banner_forget(user)


# --- The know-how board ------------------------------------------------------------------------


def _post_values(data: dict) -> dict:
    values = _stripped(data, POST_FIELDS)
    if "tags" in values:
        tags = text.tag_list(values["tags"])
        if len(tags) > text.MAX_TAGS or any(len(tag) > text.MAX_TAG_CHARS for tag in tags):
            raise ValidationFailed(fields={"tags": [
                _("At most %(count)d tags of %(chars)d characters each.")
                % {"count": text.MAX_TAGS, "chars": text.MAX_TAG_CHARS}
            ]})
        values["tags"] = f",{','.join(tags)}," if tags else ""
        if len(values["tags"]) > TAGS_MAX:
            raise ValidationFailed(fields={"tags": [_("The tags are too long.")]})
    return values


@transaction.atomic
def post_create(*, actor, data: dict) -> Post:
    access_for(actor).require(f"{POST}.create")
    post = Post(author=actor, **_post_values(data))
    full_clean(post, exclude=["search_text"])
    post.save()
    audit_create(actor=actor, instance=post, fields=POST_FIELDS)
    return post


@transaction.atomic
def post_update(*, actor, post: Post, data: dict) -> Post:
    if not permissions.may_change(actor, post):
        raise PermissionDenied()
    values = _post_values(data)
    changes = model_update(instance=post, data=values, fields=list(values))
    audit_update(actor=actor, instance=post, changes=changes)
    return post


@transaction.atomic
def post_delete(*, actor, post: Post) -> None:
    if not permissions.may_delete(actor, post):
        raise PermissionDenied()
    audit_delete(actor=actor, instance=post, fields=POST_FIELDS)
    post.delete()


@transaction.atomic
def answer_create(*, actor, post: Post, body: str) -> Answer:
    access_for(actor).require(f"{POST}.create")
    answer = Answer(post=post, author=actor, body=(body or "").strip())
    full_clean(answer)
    answer.save()
    Post.objects.filter(pk=post.pk).update(answer_count=F("answer_count") + 1)
    audit_create(actor=actor, instance=answer, fields=["post", "body"])
    return answer


@transaction.atomic
def answer_delete(*, actor, answer: Answer) -> None:
    if not permissions.may_delete(actor, answer):
        raise PermissionDenied()
    audit_delete(actor=actor, instance=answer, fields=["post", "body"])
    Post.objects.filter(pk=answer.post_id, answer_count__gt=0).update(answer_count=F("answer_count") - 1)
    answer.delete()


def _toggle(*, actor, like_model, target_field: str, target) -> tuple[bool, int]:
    access_for(actor).require(f"{POST}.create")
    model = type(target)
    with transaction.atomic():
        removed, _detail = like_model.objects.filter(**{target_field: target, "user": actor}).delete()
        if removed:
            model.objects.filter(pk=target.pk, like_count__gt=0).update(like_count=F("like_count") - 1)
            liked = False
        else:
            try:
                with transaction.atomic():
                    like_model.objects.create(**{target_field: target, "user": actor})
            except IntegrityError:  # liked at the same moment from another tab: liked it is
                pass
            else:
                model.objects.filter(pk=target.pk).update(like_count=F("like_count") + 1)
            liked = True
    count = model.objects.filter(pk=target.pk).values_list("like_count", flat=True).first() or 0
    return liked, count


def post_like_toggle(*, actor, post: Post) -> tuple[bool, int]:
    """Like the post, or take the like back: (liked now, the post's like count)."""
    return _toggle(actor=actor, like_model=PostLike, target_field="post", target=post)


def answer_like_toggle(*, actor, answer: Answer) -> tuple[bool, int]:
    return _toggle(actor=actor, like_model=AnswerLike, target_field="answer", target=answer)
