"""Base model pieces shared by every domain app, and the system settings."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class SystemSettings(models.Model):
    """One row: the name and logo shown in the UI (s001 系统配置)."""

    name = models.CharField(_("system name"), max_length=60, default="客户关系管理系统")
    company_name = models.CharField(_("company name"), max_length=100, blank=True)
    logo = models.FileField(_("logo"), upload_to="branding/", blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("system settings")
        verbose_name_plural = _("system settings")

    def __str__(self) -> str:
        return self.name


class NumberSequence(models.Model):
    """The last number given out for one kind of record (crm.core.numbering)."""

    key = models.CharField(max_length=50, primary_key=True)
    last = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.key}={self.last}"
