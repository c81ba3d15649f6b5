"""Every write of knowledge articles: the permission asked, the values validated, the change and
its audit entry in one transaction.

Other apps call `article_from_solution` (the service app: "a well-solved service becomes an
article") and read through `crm.knowledge.selectors.suggest`.
"""

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.models import AuditAction
from crm.audit.services import audit_create, audit_delete, audit_record, audit_update
from crm.core.errors import Conflict, PermissionDenied, ValidationFailed
from crm.core.services import full_clean, model_update
from crm.knowledge import permissions, tokens
from crm.knowledge.models import Article, ArticleStatus
from crm.knowledge.permissions import ARTICLE

ARTICLE_FIELDS = ["title", "problem", "solution", "tags", "product", "is_public"]
DERIVED = ["search_title", "search_body"]  # set by Article.save()


def _values(data: dict) -> dict:
    """The allowed fields of `data`: text stripped, tags normalised (a list or a typed string)."""
    values = {}
    for name in ARTICLE_FIELDS:
        if name not in data:
            continue
        value = data[name]
        if name == "tags":
            value = tokens.join_tags(tokens.split_tags(value))
        elif name == "is_public":
            value = bool(value)
        elif isinstance(value, str) or value is None:
            value = (value or "").strip()
        values[name] = value
    if len(values.get("tags", "")) > 200:
        raise ValidationFailed(fields={"tags": [_("Tags are too long: 200 characters at most.")]})
    return values


@transaction.atomic
def article_create(*, actor, data: dict, source_service_id: int | None = None) -> Article:
    """A draft by `actor`; publishing is a step of its own (article_publish)."""
    access_for(actor).require(f"{ARTICLE}.create")
    article = Article(author=actor, source_service_id=source_service_id, **_values(data))
    full_clean(article, exclude=DERIVED)
    article.save()
    audit_create(actor=actor, instance=article, fields=[*ARTICLE_FIELDS, "status", "source_service_id"])
    return article


def article_from_solution(actor, title: str, problem: str, solution: str, source_service_id: int | None) -> Article:
    """A draft made in one step from a solved service (SRV-7): its summary as the title, the
    request as the problem, the handling as the solution. The service app calls this."""
    return article_create(
        actor=actor,
        data={"title": (title or "")[:200], "problem": problem, "solution": solution},
        source_service_id=source_service_id,
    )


@transaction.atomic
def article_update(*, actor, article: Article, data: dict) -> Article:
    if not permissions.may_edit(actor, article):
        raise PermissionDenied()
    values = _values(data)
    changes = model_update(instance=article, data=values, fields=list(values))
    audit_update(actor=actor, instance=article, changes=changes)
    return article


def _set_status(*, actor, article: Article, status: str, message: str) -> Article:
    if not permissions.may_publish(actor, article):
        raise PermissionDenied()
    # Conditional on the status read, so two people publishing at once publish once.
    before = article.status
    published_at = timezone.now() if status == ArticleStatus.PUBLISHED else None
    updated = Article.objects.filter(pk=article.pk, status=before).exclude(status=status)
    if not updated.update(status=status, published_at=published_at, updated_at=timezone.now()):
        raise Conflict(message)
    article.refresh_from_db()
    changes = {"status": [before, status]}
    if published_at:
        changes["published_at"] = [None, published_at]
    audit_record(actor=actor, action=AuditAction.UPDATE, instance=article, changes=changes)
    return article


@transaction.atomic
def article_publish(*, actor, article: Article) -> Article:
    return _set_status(
        actor=actor, article=article, status=ArticleStatus.PUBLISHED, message=_("The article is published already.")
    )


@transaction.atomic
def article_unpublish(*, actor, article: Article) -> Article:
    return _set_status(
        actor=actor, article=article, status=ArticleStatus.DRAFT, message=_("The article is a draft already.")
    )


@transaction.atomic
def article_delete(*, actor, article: Article) -> None:
    if not permissions.may_delete(actor, article):
        raise PermissionDenied()
    audit_delete(actor=actor, instance=article, fields=[*ARTICLE_FIELDS, "status", "source_service_id"])
    article.delete()


def article_viewed(*, article: Article, reader=None) -> bool:
    """One more reading, unless by the author: counted in the database (no lost updates), not
    audited, `updated_at` kept. Whether it counted."""
    if reader is not None and article.author_id == reader.pk:
        return False
    Article.objects.filter(pk=article.pk).update(view_count=F("view_count") + 1)
    return True
