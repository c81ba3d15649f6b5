"""In-app notifications (s002 消息中心): one row per recipient."""

from django.conf import settings
from django.db import models
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _


def is_local_link(link: str) -> bool:
    """A path on this site ("/customers/12/"): the only kind of link a notification may open.

    Anything else (other hosts, "//host", "/\\host", schemes, control characters) is refused,
    so a notification cannot be used to send someone to another site.
    """
    if not link or not link.startswith("/") or link.startswith(("//", "/\\")):
        return False
    if any(ord(char) < 33 or char == "\\" for char in link):
        return False
    return url_has_allowed_host_and_scheme(link, allowed_hosts=None)


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

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def has_local_link(self) -> bool:
        return is_local_link(self.link)
