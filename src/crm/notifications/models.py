"""In-app notifications (s002 消息中心): one row per recipient."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("content"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    kind = models.CharField(_("kind"), max_length=50, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notif_recipient_idx"),
            models.Index(fields=["recipient"], condition=models.Q(read_at__isnull=True), name="notif_unread_idx"),
        ]

    def __str__(self) -> str:
        return self.title
