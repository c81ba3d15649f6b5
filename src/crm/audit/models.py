"""The audit log (ORG-8): append-only rows of who did what to which record, when, from where."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AppendOnlyError(Exception):
    pass


class AuditAction(models.TextChoices):
    CREATE = "create", _("Created")
    UPDATE = "update", _("Updated")
    DELETE = "delete", _("Deleted")
    LOGIN = "login", _("Logged in")
    LOGOUT = "logout", _("Logged out")
    LOGIN_FAILED = "login_failed", _("Login failed")
    HANDOVER = "handover", _("Handed over")
    DEPART = "depart", _("Employee departed")
    EXPORT = "export", _("Exported")
    IMPORT = "import", _("Imported")
    SHARE = "share", _("Shared")
    OTHER = "other", _("Other")


# The actions of the login log (ORG-8 登录日志).
LOGIN_ACTIONS = (AuditAction.LOGIN, AuditAction.LOGOUT, AuditAction.LOGIN_FAILED)


class AuditSource(models.TextChoices):
    """Where a change came from (crm.core.context.ActionContext.source)."""

    UI = "ui", _("Web page")
    API = "api", _("API")
    IMPORT = "import", _("Import")
    JOB = "job", _("Background job")
    COMMAND = "command", _("Command")
    SYSTEM = "system", _("System")


class AuditEventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise AppendOnlyError("audit events cannot be changed")

    def delete(self):
        raise AppendOnlyError("audit events cannot be deleted")

    def for_object(self, instance) -> "AuditEventQuerySet":
        content_type = ContentType.objects.get_for_model(instance)
        return self.filter(content_type=content_type, object_id=str(instance.pk))


class AuditEvent(models.Model):
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    # Neither foreign key has an index of its own: the (actor, -id) and (content_type, object_id,
    # -id) indexes below cover them, and every audit row written pays for each index.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_constraint=False,
        db_index=False,
        verbose_name=_("user"),
    )
    # Kept as text too: the log must still say who it was after the user is renamed or deleted.
    actor_name = models.CharField(_("user"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=30, choices=AuditAction.choices)
    source = models.CharField(_("source"), max_length=20, blank=True, choices=AuditSource.choices)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=250, blank=True)
    content_type = models.ForeignKey(
        ContentType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_constraint=False,
        db_index=False,
        related_name="+",
    )
    object_id = models.CharField(_("record"), max_length=64, blank=True)
    object_repr = models.CharField(_("record"), max_length=200, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)  # {field: [before, after]}
    message = models.CharField(_("message"), max_length=500, blank=True)
    # Computed by the database: lets the login log use its own index instead of sorting all logins.
    is_login = models.GeneratedField(
        expression=Q(action__in=[action.value for action in LOGIN_ACTIONS]),
        output_field=models.BooleanField(),
        db_persist=True,
    )

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-id"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [
            models.Index(fields=["content_type", "object_id", "-id"], name="audit_object_idx"),
            models.Index(fields=["actor", "-id"], name="audit_actor_idx"),
            models.Index(fields=["action", "-id"], name="audit_action_idx"),
            models.Index(fields=["created_at"], name="audit_created_idx"),
            models.Index(fields=["source", "-id"], name="audit_source_idx"),
            models.Index(fields=["is_login", "-id"], name="audit_login_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.action} {self.object_repr}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events cannot be deleted")
