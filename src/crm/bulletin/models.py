"""Announcements 通知公告 and the know-how board 销售经验 (SADM-5).

An announcement goes to everyone (`to_all`) or to departments, each with its sub-departments: a
user is in the audience when one of the announcement's departments is their department or one
of its ancestors, which the user's materialised path names without a query (`/1/7/12/` →
1, 7, 12). A read receipt is one row per announcement and user (unique), written when the user
opens it.

Posts carry tags as one comma-separated column (a board's tags need no attributes of their own)
and a derived `search_text` (crm.bulletin.text). Likes are rows unique per user and post or
answer; the counts on the post and answer are kept in step in the same transaction.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crm.bulletin import text
from crm.core.models import TimeStampedModel

TITLE_MAX = 200
BODY_MAX = 10000
ANSWER_MAX = 5000
TAGS_MAX = 200


def ancestor_ids(department) -> list[int]:
    """The department and the departments above it, read from its path ("/1/7/12/" → [1, 7, 12])."""
    if department is None:
        return []
    return [int(part) for part in department.path.strip("/").split("/") if part]


class AnnouncementQuerySet(models.QuerySet):
    def live(self, now=None):
        """Published (its publish time has come) and not expired."""
        now = now or timezone.now()
        return self.filter(publish_at__lte=now).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def addressed_to(self, user):
        """Addressed to everyone, or to the user's department or one above it."""
        ids = ancestor_ids(getattr(user, "department", None))
        condition = Q(to_all=True)
        if ids:
            audience = AnnouncementDepartment.objects.filter(department_id__in=ids)
            condition |= Q(pk__in=audience.values("announcement_id"))
        return self.filter(condition)

    def unread_by(self, user):
        return self.exclude(pk__in=AnnouncementRead.objects.filter(user_id=user.pk).values("announcement_id"))


class Announcement(TimeStampedModel):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("content"), max_length=BODY_MAX)
    to_all = models.BooleanField(_("to everyone"), default=False)
    departments = models.ManyToManyField(
        "identity.Department", through="AnnouncementDepartment", related_name="+", verbose_name=_("departments")
    )
    pinned = models.BooleanField(_("pinned"), default=False)
    publish_at = models.DateTimeField(_("publish time"), default=timezone.now)
    expires_at = models.DateTimeField(_("expiry"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-publish_at", "-id"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")
        indexes = [
            models.Index(fields=["-pinned", "-publish_at", "-id"], name="bulletin_ann_list_idx"),
            models.Index(fields=["to_all", "publish_at"], name="bulletin_ann_all_idx"),
            models.Index(fields=["author", "-publish_at"], name="bulletin_ann_author_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        now = timezone.now()
        return self.publish_at <= now and (self.expires_at is None or self.expires_at > now)


class AnnouncementDepartment(models.Model):
    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="audience")
    department = models.ForeignKey("identity.Department", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["announcement", "department"], name="bulletin_audience_unique"),
        ]
        indexes = [models.Index(fields=["department", "announcement"], name="bulletin_audience_dept_idx")]


class AnnouncementRead(models.Model):
    """A read receipt: the user opened the announcement (the first time, `read_at`)."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read at"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="bulletin_read_unique")]
        indexes = [models.Index(fields=["user", "announcement"], name="bulletin_read_user_idx")]


class PostQuerySet(models.QuerySet):
    def tagged(self, tag: str):
        """Posts carrying `tag` exactly (tags are stored as ",a,b," … see Post.tags)."""
        return self.filter(tags__contains=f",{tag},")


class Post(TimeStampedModel):
    title = models.CharField(_("title"), max_length=TITLE_MAX)
    body = models.TextField(_("content"), max_length=BODY_MAX)
    # ",报价,大客户," (commas around every tag, so one tag is an exact `contains`); empty: "".
    tags = models.CharField(_("tags"), max_length=TAGS_MAX, blank=True, default="")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    like_count = models.PositiveIntegerField(_("likes"), default=0, editable=False)
    answer_count = models.PositiveIntegerField(_("answers"), default=0, editable=False)
    search_text = models.TextField(default="", editable=False)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("know-how post")
        verbose_name_plural = _("know-how posts")
        indexes = [
            models.Index(fields=["-created_at", "-id"], name="bulletin_post_new_idx"),
            models.Index(fields=["-like_count", "-created_at", "-id"], name="bulletin_post_liked_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return text.tag_list(self.tags)

    def save(self, *args, **kwargs):
        self.search_text = text.search_text(self.title, self.body, self.tags.replace(",", " "))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"title", "body", "tags"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, "search_text"}
        super().save(*args, **kwargs)


class Answer(TimeStampedModel):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="answers")
    body = models.TextField(_("answer"), max_length=ANSWER_MAX)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("author")
    )
    like_count = models.PositiveIntegerField(_("likes"), default=0, editable=False)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        indexes = [models.Index(fields=["post", "created_at", "id"], name="bulletin_answer_post_idx")]

    def __str__(self) -> str:
        return self.body[:50]


class PostLike(models.Model):
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["post", "user"], name="bulletin_post_like_unique")]
        indexes = [models.Index(fields=["user", "post"], name="bulletin_post_like_user_idx")]


class AnswerLike(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="likes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "user"], name="bulletin_answer_like_unique")]
        indexes = [models.Index(fields=["user", "answer"], name="bulletin_answer_like_user_idx")]
