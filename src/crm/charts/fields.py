"""Group fields the lists share: picklist items, regions, users and departments, each labelled
from its own table (one query for the groups shown)."""

from django.utils.translation import gettext_lazy as _

from crm.charts.registry import CHOICE, REF, GroupField
from crm.dictionary.models import DictionaryItem, Region
from crm.identity.models import Department, User


def picklist(key: str, label, lookup: str = "", *, drill: str = "") -> GroupField:
    return GroupField(key=key, label=label, lookup=lookup or key, kind=REF, model=DictionaryItem,
                      label_attr="entry", drill=drill)


def region(key: str, label, lookup: str = "", *, drill: str = "") -> GroupField:
    return GroupField(key=key, label=label, lookup=lookup or key, kind=REF, model=Region, label_attr="name",
                      drill=drill)


def user(key: str, label, lookup: str = "", *, drill: str = "") -> GroupField:
    # str(user): the name, else the username.
    return GroupField(key=key, label=label, lookup=lookup or key, kind=REF, model=User, label_attr="", drill=drill)


def department(owner: str, *, label=None) -> GroupField:
    """The owner's department: a join through the owner, which the field rules see as the owner."""
    return GroupField(key="department", label=label or _("Department"), lookup=f"{owner}__department",
                      kind=REF, model=Department, label_attr="name", field=owner)


def choice(key: str, label, choices, lookup: str = "", *, drill: str = "") -> GroupField:
    return GroupField(key=key, label=label, lookup=lookup or key, kind=CHOICE, choices=dict(choices), drill=drill)


def owner(field: str, label, *, drill: str = "") -> list[GroupField]:
    """The record's owner, and the owner's department."""
    return [user(field, label, drill=drill), department(field)]


def status_tab(choices) -> GroupField:
    """The status, drilled down through the list's status tab (`view`, whose keys are the statuses)."""
    return choice("status", _("Status"), choices, drill="view")
