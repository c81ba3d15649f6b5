"""Every write of competitors (CMP-1), their products (CMP-3) and news (CMP-2): the permission
asked, the values validated, the change and its audit entry in one transaction.

Products and news are part of the competitor: writing them is editing the competitor.
"""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_create, audit_delete, audit_update
from crm.competitors import keys
from crm.competitors.models import Competitor, CompetitorNews, CompetitorProduct
from crm.competitors.permissions import COMPETITOR
from crm.core.errors import Conflict
from crm.core.services import full_clean, model_update

COMPETITOR_FIELDS = [
    "name", "website", "size", "business", "strengths", "weaknesses", "strategy", "threat_level", "notes",
]
PRODUCT_FIELDS = ["name", "positioning", "strengths", "weaknesses", "notes"]
NEWS_FIELDS = ["date", "title", "content", "source_url"]
WEB_ADDRESSES = ("website", "source_url")
DERIVED = ["name_key", "search_text"]  # set by Competitor.save()


def _values(data: dict, fields: list[str]) -> dict:
    """The allowed fields of `data`, text stripped, web addresses completed (www.x.cn → https://…)."""
    values = {}
    for name in fields:
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, str):
            value = keys.web_address(value) if name in WEB_ADDRESSES else value.strip()
        values[name] = "" if value is None and name != "date" else value
    return values


def _duplicate(existing: str | None = None) -> Conflict:
    if existing:
        message = _("A competitor with this name exists already: %(name)s.") % {"name": existing}
    else:
        message = _("A competitor with this name exists already.")
    return Conflict(message, fields={"name": [message]}, code="duplicate")


def _refuse_taken_name(name: str, *, other_than: int | None = None) -> None:
    """The friendly check; the unique constraint on name_key closes the race behind it."""
    taken = Competitor.objects.filter(name_key=keys.name_key(name)).exclude(pk=other_than)
    existing = taken.values_list("name", flat=True).first()
    if existing is not None:
        raise _duplicate(existing)


# --- competitors ---------------------------------------------------------------------------------------------
@transaction.atomic
def competitor_create(*, actor, data: dict) -> Competitor:
    access_for(actor).require(f"{COMPETITOR}.create")
    competitor = Competitor(created_by=actor, **_values(data, COMPETITOR_FIELDS))
    full_clean(competitor, exclude=DERIVED)
    _refuse_taken_name(competitor.name)
    try:
        with transaction.atomic():
            competitor.save()
    except IntegrityError as exc:  # the same name saved by someone else a moment ago
        raise _duplicate() from exc
    audit_create(actor=actor, instance=competitor, fields=COMPETITOR_FIELDS)
    return competitor


@transaction.atomic
def competitor_update(*, actor, competitor: Competitor, data: dict) -> Competitor:
    access_for(actor).require(f"{COMPETITOR}.edit")
    values = _values(data, COMPETITOR_FIELDS)
    if "name" in values:
        _refuse_taken_name(values["name"], other_than=competitor.pk)
    try:
        with transaction.atomic():
            changes = model_update(instance=competitor, data=values, fields=list(values))
    except IntegrityError as exc:
        raise _duplicate() from exc
    audit_update(actor=actor, instance=competitor, changes=changes)
    return competitor


@transaction.atomic
def competitor_delete(*, actor, competitor: Competitor) -> None:
    """With its products and news, each of them in the audit log too."""
    access_for(actor).require(f"{COMPETITOR}.delete")
    for product in competitor.products.all():
        audit_delete(actor=actor, instance=product, fields=["competitor", *PRODUCT_FIELDS])
    for news in competitor.news.all():
        audit_delete(actor=actor, instance=news, fields=["competitor", *NEWS_FIELDS])
    audit_delete(actor=actor, instance=competitor, fields=COMPETITOR_FIELDS)
    competitor.delete()


# --- products and news ------------------------------------------------------------------------------------------
def _child_create(*, actor, model, competitor: Competitor, data: dict, fields: list[str]):
    access_for(actor).require(f"{COMPETITOR}.edit")
    record = model(competitor=competitor, created_by=actor, **_values(data, fields))
    full_clean(record)
    record.save()
    audit_create(actor=actor, instance=record, fields=["competitor", *fields])
    return record


def _child_update(*, actor, record, data: dict, fields: list[str]):
    access_for(actor).require(f"{COMPETITOR}.edit")
    values = _values(data, fields)
    changes = model_update(instance=record, data=values, fields=list(values))
    audit_update(actor=actor, instance=record, changes=changes)
    return record


def _child_delete(*, actor, record, fields: list[str]) -> None:
    access_for(actor).require(f"{COMPETITOR}.edit")
    audit_delete(actor=actor, instance=record, fields=["competitor", *fields])
    record.delete()


@transaction.atomic
def product_create(*, actor, competitor: Competitor, data: dict) -> CompetitorProduct:
    return _child_create(actor=actor, model=CompetitorProduct, competitor=competitor, data=data, fields=PRODUCT_FIELDS)


@transaction.atomic
def product_update(*, actor, product: CompetitorProduct, data: dict) -> CompetitorProduct:
    return _child_update(actor=actor, record=product, data=data, fields=PRODUCT_FIELDS)


@transaction.atomic
def product_delete(*, actor, product: CompetitorProduct) -> None:
    _child_delete(actor=actor, record=product, fields=PRODUCT_FIELDS)


@transaction.atomic
def news_create(*, actor, competitor: Competitor, data: dict) -> CompetitorNews:
    return _child_create(actor=actor, model=CompetitorNews, competitor=competitor, data=data, fields=NEWS_FIELDS)


@transaction.atomic
def news_update(*, actor, news: CompetitorNews, data: dict) -> CompetitorNews:
    return _child_update(actor=actor, record=news, data=data, fields=NEWS_FIELDS)


@transaction.atomic
def news_delete(*, actor, news: CompetitorNews) -> None:
    _child_delete(actor=actor, record=news, fields=NEWS_FIELDS)
