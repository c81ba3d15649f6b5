"""The resources of announcements and the know-how board, their menu entries, and who may do what.

- `bulletin.announcement`: `view` reads the announcements addressed to one; `publish` writes them.
  Its owner field is the author, so a role's data scope says where a publisher may send: a scope
  of "all" (administrators, executives) to everyone or any department; "department and below"
  (supervisors) to their own department and the ones below it; "department" to their own. A
  publisher changes, deletes and reads the receipts of their own announcements; with the scope
  "all", of every announcement.
- `bulletin.post`: `view` reads the board (everyone with the function reads every post: it is
  company-wide know-how); `create` posts, answers and likes, and changes or deletes one's own
  posts and answers; `moderate` deletes anyone's.
"""

from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item, register_menu_section

ANNOUNCEMENT = "bulletin.announcement"
POST = "bulletin.post"

register(
    Resource(
        code=ANNOUNCEMENT,
        label=_("Announcements"),
        model="bulletin.Announcement",
        actions=("view", "publish"),
        owner_fields=("author",),
        action_labels={"publish": _("Publish announcements")},
    )
)
register(
    Resource(
        code=POST,
        label=_("Know-how board"),
        model="bulletin.Post",
        actions=("view", "create", "moderate"),
        action_labels={"create": _("Post, answer and like"), "moderate": _("Delete anyone's posts and answers")},
    )
)

register_menu_section("admin", _("Sales administration"), 35)
register_item("admin", MenuItem(_("Announcements"), "bulletin:announcements", "megaphone", f"{ANNOUNCEMENT}.view", 60))
register_item("admin", MenuItem(_("Know-how"), "bulletin:posts", "lightbulb", f"{POST}.view", 70))


def may_publish(user) -> bool:
    return access_for(user).can(f"{ANNOUNCEMENT}.publish")


def manages(user, announcement) -> bool:
    """Whether the user changes, deletes and reads the receipts of this announcement."""
    access = access_for(user)
    if not access.can(f"{ANNOUNCEMENT}.publish"):
        return False
    return access.sees_all(ANNOUNCEMENT) or (announcement.author_id is not None and announcement.author_id == user.pk)


def may_change(user, record) -> bool:
    """A post or answer: its author (with `create`), or a moderator (delete only: see services)."""
    access = access_for(user)
    return access.can(f"{POST}.create") and record.author_id is not None and record.author_id == user.pk


def may_delete(user, record) -> bool:
    return may_change(user, record) or access_for(user).can(f"{POST}.moderate")


def post_abilities(user, post) -> dict[str, bool]:
    return {
        "edit": may_change(user, post),
        "delete": may_delete(user, post),
        "answer": access_for(user).can(f"{POST}.create"),
        "like": access_for(user).can(f"{POST}.create"),
    }
