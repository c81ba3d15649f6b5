"""Competitors 竞争对手 (CMP-1), their products (CMP-3) and news about them 对手动态 (CMP-2).

Company-wide knowledge: no owner, no data scope; the function permissions of
`competitors.competitor` decide who reads and writes. Nothing here refers to opportunities: the
opportunities app, above this one, will point at competitors itself.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.competitors import keys
from crm.core.models import TimeStampedModel


class ThreatLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class CompanySize(models.TextChoices):
    SMALL = "small", _("Small (under 100 staff)")
    MEDIUM = "medium", _("Medium (100–999 staff)")
    LARGE = "large", _("Large (1,000 staff or more)")


def _creator():
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("created by"),
    )


def _web_address(label):
    return models.URLField(label, max_length=200, blank=True, validators=[keys.validate_web_address])


class Competitor(TimeStampedModel):
    name = models.CharField(_("name"), max_length=100)
    # Derived from the name on every save (keys.py): one competitor per name however it is typed.
    name_key = models.CharField(max_length=100, editable=False)
    search_text = models.CharField(max_length=400, editable=False, blank=True)
    website = _web_address(_("website"))
    size = models.CharField(_("company size"), max_length=10, choices=CompanySize.choices, blank=True)
    business = models.TextField(_("main products and business"), blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    strategy = models.TextField(_("our strategy"), blank=True)
    threat_level = models.CharField(
        _("threat level"), max_length=10, choices=ThreatLevel.choices, default=ThreatLevel.MEDIUM
    )
    notes = models.TextField(_("notes"), blank=True)
    created_by = _creator()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("competitor")
        verbose_name_plural = _("competitors")
        constraints = [models.UniqueConstraint(fields=["name_key"], name="competitor_name_key_unique")]
        indexes = [
            models.Index(fields=["threat_level", "-updated_at"], name="competitor_threat_idx"),
            models.Index(fields=["-updated_at", "-id"], name="competitor_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_key, self.search_text = keys.name_key(self.name), keys.search_text(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "name_key", "search_text"}
        super().save(*args, **kwargs)


class CompetitorProduct(TimeStampedModel):
    competitor = models.ForeignKey(
        Competitor, on_delete=models.CASCADE, related_name="products", verbose_name=_("competitor")
    )
    name = models.CharField(_("name"), max_length=100)
    positioning = models.CharField(_("price range and positioning"), max_length=200, blank=True)
    strengths = models.TextField(_("strengths"), blank=True)
    weaknesses = models.TextField(_("weaknesses"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = _creator()

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("competitor product")
        verbose_name_plural = _("competitor products")
        indexes = [models.Index(fields=["competitor", "name"], name="competitor_product_idx")]

    def __str__(self) -> str:
        return self.name


class CompetitorNews(TimeStampedModel):
    competitor = models.ForeignKey(
        Competitor, on_delete=models.CASCADE, related_name="news", verbose_name=_("competitor")
    )
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("content"), blank=True)
    source_url = _web_address(_("source"))
    created_by = _creator()

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("competitor news")
        verbose_name_plural = _("competitor news")
        indexes = [
            models.Index(fields=["competitor", "-date", "-id"], name="competitor_news_idx"),
            models.Index(fields=["-date", "-id"], name="competitor_news_latest_idx"),
        ]

    def __str__(self) -> str:
        return self.title
