"""Knowledge base 知识库 (SRV-7): articles of a problem and its solution.

An article is a draft until someone with `knowledge.article.publish` publishes it; everyone who
may read articles reads the published ones, the author also their own drafts, and editors and
publishers every draft. `is_public` marks an article for the customer portal (SRV-8, later).

Tags are a comma-separated text field, not a model of their own: a knowledge base holds tens to
hundreds of articles, the tags need no attributes, and one column is simpler for the forms, the API
and the import (docs/knowledge.md).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from crm.core.models import TimeStampedModel
from crm.knowledge import tokens


class ArticleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class ArticleQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=ArticleStatus.PUBLISHED)

    def tagged(self, tag: str):
        """Articles carrying `tag` exactly (not a tag that merely contains it)."""
        return self.filter(
            models.Q(tags=tag)
            | models.Q(tags__startswith=f"{tag},")
            | models.Q(tags__endswith=f",{tag}")
            | models.Q(tags__contains=f",{tag},")
        )


class Article(TimeStampedModel):
    title = models.CharField(_("title"), max_length=200, help_text=_("The problem, in a few words."))
    problem = models.TextField(_("problem description"), blank=True)
    solution = models.TextField(_("solution"))
    tags = models.CharField(_("tags"), max_length=200, blank=True)  # "登录,密码" (tokens.split_tags)
    product = models.CharField(_("product"), max_length=100, blank=True)  # free text until products arrive
    is_public = models.BooleanField(_("public"), default=False, help_text=_("Shown in the customer portal."))
    status = models.CharField(_("status"), max_length=10, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
        verbose_name=_("author"),
    )
    view_count = models.PositiveIntegerField(_("views"), default=0, editable=False)
    # The service the article was made from. A plain integer until the service app is merged;
    # then it becomes a ForeignKey to service.Service (on_delete=SET_NULL) with the same column.
    source_service_id = models.PositiveBigIntegerField(_("source service"), null=True, blank=True)
    # Derived on every save (tokens.py); indexed by crm.knowledge.index.
    search_title = models.TextField(blank=True, default="", editable=False)
    search_body = models.TextField(blank=True, default="", editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-updated_at", "-id"]
        verbose_name = _("knowledge article")
        verbose_name_plural = _("knowledge articles")
        indexes = [
            models.Index(fields=["status", "-updated_at", "-id"], name="knowledge_status_idx"),
            models.Index(fields=["-updated_at", "-id"], name="knowledge_updated_idx"),
            models.Index(fields=["source_service_id"], name="knowledge_source_service_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        return tokens.split_tags(self.tags)

    @property
    def is_published(self) -> bool:
        return self.status == ArticleStatus.PUBLISHED

    SEARCHED = ("title", "problem", "solution", "tags", "product")

    def save(self, *args, **kwargs):
        self.search_title = tokens.document_tokens(self.title)
        self.search_body = tokens.document_tokens(self.problem, self.solution, self.tags, self.product)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and set(update_fields) & set(self.SEARCHED):
            kwargs["update_fields"] = {*update_fields, "search_title", "search_body"}
        super().save(*args, **kwargs)
