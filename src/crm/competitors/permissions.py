"""The competitors resource and its menu entries.

One resource: products and news are part of what the company knows about a competitor, so reading
them needs `competitors.competitor.view` and writing them `competitors.competitor.edit`. No owner
fields: every user with the function sees every competitor.
"""

from django.utils.translation import gettext_lazy as _

from crm.access.registry import Resource, register
from crm.core.navigation import MenuItem, register_item

COMPETITOR = "competitors.competitor"

register(
    Resource(
        code=COMPETITOR,
        label=_("Competitors"),
        model="competitors.Competitor",
        actions=("view", "create", "edit", "delete", "export"),
    )
)

register_item("sales", MenuItem(_("Competitors"), "competitors:list", "shield-exclamation", f"{COMPETITOR}.view", 60))
register_item("sales", MenuItem(_("Competitor news"), "competitors:news", "newspaper", f"{COMPETITOR}.view", 70))
