"""The knowledge-base resource, its menu entry, and who may do what with one article.

One resource, `knowledge.article`, without owner fields: articles are company-wide knowledge.
The functions:

- `view`: read published articles (and one's own drafts);
- `create`: write drafts, and change or delete one's own drafts;
- `edit`: change any article, and read every draft;
- `publish`: publish and unpublish (and so read every draft);
- `delete`: delete any article.

Built-in roles (crm.access.defaults): everyone who works with customers reads; managers and
service agents write drafts; supervisors and administrators do everything.
"""

from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

ARTICLE = "knowledge.article"

register(
    Resource(
        code=ARTICLE,
        label=_("Knowledge articles"),
        model="knowledge.Article",
        actions=("view", "create", "edit", "delete", "publish"),
        action_labels={"publish": _("Publish and unpublish")},
    )
)

register_item("service", MenuItem(_("Knowledge base"), "knowledge:list", "journal-text", f"{ARTICLE}.view", 50))


def _own_draft(user, article) -> bool:
    return article.author_id is not None and article.author_id == user.pk and not article.is_published


def sees_drafts(user) -> bool:
    """Whether every draft is visible to the user, not only its own."""
    access = access_for(user)
    return access.can(f"{ARTICLE}.edit") or access.can(f"{ARTICLE}.publish")


def may_edit(user, article) -> bool:
    access = access_for(user)
    return access.can(f"{ARTICLE}.edit") or (access.can(f"{ARTICLE}.create") and _own_draft(user, article))


def may_delete(user, article) -> bool:
    access = access_for(user)
    return access.can(f"{ARTICLE}.delete") or (access.can(f"{ARTICLE}.create") and _own_draft(user, article))


def may_publish(user, article=None) -> bool:
    return access_for(user).can(f"{ARTICLE}.publish")


def abilities(user, article) -> dict[str, bool]:
    """The buttons of one article's page and the API's `may` field."""
    return {
        "edit": may_edit(user, article),
        "delete": may_delete(user, article),
        "publish": may_publish(user, article),
    }
