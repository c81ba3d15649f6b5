"""Reading the audit log (ORG-8): the filtered list behind the audit page and the API.

Only users with `audit.event.view` see any event; the log has no data scope of its own.
Filters are indexed (actor, action, record type, source, time); the free text is a substring
match on the record name and message, meant to be combined with the others on big logs.
"""

import datetime

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.utils import timezone

from crm.access.engine import access_for
from crm.audit.models import AuditEvent
from crm.core.errors import NotFound
from crm.core.pagination import COUNT_CAP, CappedPaginator  # noqa: F401  (re-exported)

RESOURCE = "audit.event"
# Counting millions of rows is slow; lists count at most this many and say "10,000+".
_RECORD_TYPES_CACHE_KEY = "crm:audit:record-types"
_RECORD_TYPES_SECONDS = 600

CATEGORY_LOGINS = "logins"
CATEGORY_CHANGES = "changes"


def audit_event_list(*, user, filters: dict | None = None) -> QuerySet:
    """Events the user may read, filtered, newest first.

    `filters` holds already validated values: user (id), action, record_type ("app_label.model"),
    date_from / date_to (dates, inclusive, in the current time zone), source, q (free text),
    category ("logins" or "changes"), after_id.
    """
    filters = filters or {}
    queryset = access_for(user).scoped(RESOURCE, AuditEvent.objects.all())
    queryset = _apply_filters(queryset, filters).select_related("content_type")
    if filters.get("date_from") or filters.get("date_to"):
        # A time range reads the time index in order instead of sorting the whole range by id
        # (ids follow time, so the order is the same).
        return queryset.order_by("-created_at", "-id")
    return queryset.order_by("-id")


def audit_event_get(*, user, pk) -> AuditEvent:
    """One event, or NotFound (also when the user may not read the log)."""
    queryset = access_for(user).scoped(RESOURCE, AuditEvent.objects.select_related("content_type"))
    try:
        return queryset.get(pk=pk)
    except (AuditEvent.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc


def audit_record_types() -> list[ContentType]:
    """The kinds of records that occur in the log, for the filter; cached for a few minutes.

    One DISTINCT over the record index: on a big log it is not free, hence the cache.
    """
    ids = cache.get(_RECORD_TYPES_CACHE_KEY)
    if ids is None:
        ids = sorted(
            AuditEvent.objects.filter(content_type__isnull=False)
            .order_by()
            .values_list("content_type_id", flat=True)
            .distinct()
        )
        cache.set(_RECORD_TYPES_CACHE_KEY, ids, _RECORD_TYPES_SECONDS)
    types = []
    for pk in ids:
        try:
            types.append(ContentType.objects.get_for_id(pk))
        except ContentType.DoesNotExist:
            continue
    return types


def audit_user_choices() -> list[tuple[int, str]]:
    """Every user, departed ones included (their events stay in the log), for the user filter."""
    users = get_user_model().objects.order_by("username").values_list("pk", "username", "name")
    return [(pk, f"{name} ({username})" if name and name != username else username) for pk, username, name in users]


def record_type_key(content_type: ContentType | None) -> str:
    return f"{content_type.app_label}.{content_type.model}" if content_type else ""


def record_type_label(content_type: ContentType | None) -> str:
    if content_type is None:
        return ""
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


def day_bounds(day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """Start of the day and of the next one, in the current time zone (Asia/Shanghai)."""
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(day, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    return start, end


def _apply_filters(queryset: QuerySet, filters: dict) -> QuerySet:
    if filters.get("user"):
        queryset = queryset.filter(actor_id=filters["user"])
    if filters.get("action"):
        queryset = queryset.filter(action=filters["action"])
    category = filters.get("category")
    if category == CATEGORY_LOGINS:
        queryset = queryset.filter(is_login=True)
    elif category == CATEGORY_CHANGES:
        queryset = queryset.filter(is_login=False)
    if filters.get("record_type"):
        content_type = _content_type(filters["record_type"])
        queryset = queryset.filter(content_type=content_type) if content_type else queryset.none()
    if filters.get("source"):
        queryset = queryset.filter(source=filters["source"])
    if filters.get("date_from"):
        queryset = queryset.filter(created_at__gte=day_bounds(filters["date_from"])[0])
    if filters.get("date_to"):
        queryset = queryset.filter(created_at__lt=day_bounds(filters["date_to"])[1])
    if filters.get("after_id"):
        queryset = queryset.filter(pk__gt=filters["after_id"])
    text = (filters.get("q") or "").strip()
    if text:
        queryset = queryset.filter(Q(object_repr__icontains=text) | Q(message__icontains=text))
    return queryset


def _content_type(key: str) -> ContentType | None:
    app_label, _, model = key.partition(".")
    try:
        return ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist:
        return None
