"""Every read of announcements and the know-how board.

An announcement exists for a user when it is addressed to them and live (published, not expired),
or when they manage it (its author, or a publisher whose scope is "all"): anything else is a 404.
Receipts and the audience are set-based queries over users, whatever the audience's size. The
banner of unread announcements costs one indexed query per user and minute at most: the answer
is cached per user and forgotten when the user reads one or anyone publishes, changes or deletes
one (a version number in the cache).
"""

from collections import Counter

from django.core.cache import cache
from django.db.models import Exists, OuterRef, Q, QuerySet

from crm.access.engine import access_for
from crm.bulletin import text
from crm.bulletin.models import Announcement, AnnouncementRead, Answer, AnswerLike, Post, PostLike
from crm.bulletin.permissions import ANNOUNCEMENT, POST
from crm.core.errors import NotFound
from crm.identity.models import Department, User

BANNER_MAX = 3
BANNER_SECONDS = 60
_VERSION_KEY = "bulletin:banner:version"
TAG_SAMPLE = 500


# --- Announcements -----------------------------------------------------------------------------


def announcement_queryset(user) -> QuerySet:
    """The announcements the user may open (module docstring)."""
    access = access_for(user)
    if not access.can(f"{ANNOUNCEMENT}.view") and not access.can(f"{ANNOUNCEMENT}.publish"):
        return Announcement.objects.none()
    if access.can(f"{ANNOUNCEMENT}.publish") and access.sees_all(ANNOUNCEMENT):
        return Announcement.objects.all()
    readable = Announcement.objects.live().addressed_to(user)
    return Announcement.objects.filter(Q(pk__in=readable.values("pk")) | Q(author_id=user.pk))


def announcement_list(*, user, unread_only: bool = False) -> QuerySet:
    """Newest first, pinned on top, each with `is_read` for the user."""
    queryset = announcement_queryset(user).select_related("author").annotate(
        is_read=Exists(AnnouncementRead.objects.filter(announcement_id=OuterRef("pk"), user_id=user.pk))
    )
    if unread_only:
        queryset = queryset.filter(is_read=False)
    return queryset.order_by("-pinned", "-publish_at", "-id")


def announcement_get(*, user, pk) -> Announcement:
    announcement = announcement_queryset(user).select_related("author").filter(pk=pk).first()
    if announcement is None:
        raise NotFound()
    return announcement


def audience_departments(announcement) -> list[Department]:
    return list(Department.objects.filter(pk__in=announcement.audience.values("department_id")).order_by("path"))


def audience_users(announcement) -> QuerySet:
    """The active users the announcement is addressed to: one query, prefix matches on the paths."""
    users = User.objects.active()
    if announcement.to_all:
        return users
    paths = list(Department.objects.filter(pk__in=announcement.audience.values("department_id")).values_list(
        "path", flat=True))
    if not paths:
        return users.none()
    condition = Q()
    for path in paths:
        condition |= Q(department__path__startswith=path)
    return users.filter(condition)


def receipts(announcement) -> dict:
    """The counts of the audience, those who read it and those who have not; the unread are a
    queryset to page (by name)."""
    audience = audience_users(announcement)
    read = AnnouncementRead.objects.filter(announcement_id=announcement.pk, user_id=OuterRef("pk"))
    marked = audience.annotate(has_read=Exists(read))
    total = audience.count()
    read_count = marked.filter(has_read=True).count()
    return {
        "audience": total,
        "read": read_count,
        "unread": total - read_count,
        "unread_users": marked.filter(has_read=False).select_related("department").order_by("name", "id"),
    }


def read_users(announcement) -> QuerySet:
    """The audience's receipts with their readers, the latest first (the publisher's own reading, or
    that of someone who left the audience, is not counted: the same set as `receipts`)."""
    audience = audience_users(announcement).values("pk")
    return AnnouncementRead.objects.filter(announcement_id=announcement.pk, user_id__in=audience).select_related(
        "user", "user__department").order_by("-read_at", "-id")


def departments_to_address(user) -> QuerySet:
    """The departments the user may send announcements to (their data scope over announcements)."""
    return access_for(user).departments_in_scope(ANNOUNCEMENT, Department.objects.all()).order_by("path")


def may_address_everyone(user) -> bool:
    return access_for(user).sees_all(ANNOUNCEMENT)


def _banner_key(user) -> str:
    return f"bulletin:banner:{cache.get(_VERSION_KEY, 0)}:{user.pk}"


def unread_banner(user) -> dict:
    """The banner of unread live announcements addressed to the user: up to BANNER_MAX of them and
    whether there are more. One query when not cached."""
    key = _banner_key(user)
    found = cache.get(key)
    if found is not None:
        return found
    rows = list(
        Announcement.objects.live().addressed_to(user).unread_by(user)
        .order_by("-pinned", "-publish_at", "-id").values("pk", "title", "pinned")[: BANNER_MAX + 1]
    )
    found = {"items": rows[:BANNER_MAX], "more": len(rows) > BANNER_MAX}
    cache.set(key, found, BANNER_SECONDS)
    return found


def banner_forget(user=None) -> None:
    """Forget one user's banner (they read something), or everyone's (an announcement changed)."""
    if user is not None:
        cache.delete(_banner_key(user))
        return
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)


# --- The know-how board ------------------------------------------------------------------------

ORDERINGS = {"new": ("-created_at", "-id"), "liked": ("-like_count", "-created_at", "-id")}


def post_queryset(user) -> QuerySet:
    if not access_for(user).can(f"{POST}.view"):
        return Post.objects.none()
    return Post.objects.all()


def post_list(*, user, filters: dict | None = None) -> QuerySet:
    """Posts with `liked` for the user; filters `q` (every word, in the title, body, tags or the
    title's pinyin), `tag`, `author`, `ordering` ("new" or "liked")."""
    filters = filters or {}
    queryset = post_queryset(user).select_related("author").annotate(
        liked=Exists(PostLike.objects.filter(post_id=OuterRef("pk"), user_id=user.pk))
    )
    for term in text.query_terms(filters.get("q") or ""):
        queryset = queryset.filter(search_text__contains=term)
    if filters.get("tag"):
        queryset = queryset.tagged(filters["tag"])
    if filters.get("author"):
        queryset = queryset.filter(author_id=filters["author"])
    return queryset.order_by(*ORDERINGS.get(filters.get("ordering") or "new", ORDERINGS["new"]))


def post_get(*, user, pk) -> Post:
    post = post_list(user=user).filter(pk=pk).first()
    if post is None:
        raise NotFound()
    return post


def answer_list(*, user, post) -> QuerySet:
    return Answer.objects.filter(post=post).select_related("author").annotate(
        liked=Exists(AnswerLike.objects.filter(answer_id=OuterRef("pk"), user_id=user.pk))
    ).order_by("created_at", "id")


def answer_get(*, user, post, pk) -> Answer:
    answer = answer_list(user=user, post=post).filter(pk=pk).first()
    if answer is None:
        raise NotFound()
    return answer


def tag_choices(*, user) -> list[str]:
    """The tags of the latest posts, the most used first."""
    values = post_queryset(user).exclude(tags="").order_by("-created_at").values_list("tags", flat=True)
    counts = Counter(tag for value in values[:TAG_SAMPLE] for tag in text.tag_list(value))
    return [tag for tag, _count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def search_posts(*, user, query: str, limit: int) -> list[Post]:
    return list(post_list(user=user, filters={"q": query})[:limit]) if text.query_terms(query) else []


def search_announcements(*, user, query: str, limit: int) -> list[Announcement]:
    terms = text.query_terms(query)
    if not terms:
        return []
    queryset = announcement_queryset(user)
    for term in terms:
        queryset = queryset.filter(Q(title__icontains=term) | Q(body__icontains=term))
    return list(queryset.order_by("-publish_at", "-id")[:limit])
