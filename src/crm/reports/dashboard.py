"""管理驾驶舱 (issue 17 §6): the team's figures for today, this week, this month and this year
against the same stretch of the period before, for supervisors and executives. "The team" is
everyone whose work the viewer may read (the work report's scope, crm.reports.work); each figure
is one query per measure, with one filtered aggregate per period."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from crm.access.engine import access_for
from crm.core import extensions
from crm.reports import work
from crm.reports.periods import Compared, dashboard_periods

MEASURES = ("new_customers", "followups", "new_opportunities", "won_amount", "services_handled")
PERIOD_LABELS = {"today": _("Today"), "week": _("This week"), "month": _("This month"), "year": _("This year")}


@dataclass
class Figure:
    key: str
    label: str
    current: object
    previous: object
    money: bool

    @property
    def change(self) -> float | None:
        """current against previous, as a fraction (0.25 = 25% more); None when there was nothing before."""
        if not self.previous:
            return None
        return float((self.current - self.previous) / self.previous)

    @property
    def direction(self) -> str:
        if self.current == self.previous:
            return "flat"
        return "up" if self.current > self.previous else "down"


@dataclass
class Card:
    key: str
    label: str
    compared: Compared
    figures: list[Figure]


def dashboard(*, user, today=None) -> list[Card]:
    periods = dashboard_periods(today)
    asked = [p for compared in periods for p in (compared.current, compared.previous)]
    values = {key: work.total(work.BY_KEY[key], user=user, periods=asked) for key in MEASURES}
    cards = []
    for index, compared in enumerate(periods):
        figures = [
            Figure(key, work.BY_KEY[key].label, values[key][2 * index], values[key][2 * index + 1],
                   work.BY_KEY[key].money)
            for key in MEASURES
        ]
        cards.append(Card(compared.key, PERIOD_LABELS[compared.key], compared, figures))
    return cards


def blocks(*, user, today=None) -> list[tuple[extensions.DashboardBlock, dict]]:
    """(block, its data) for each block other apps add (crm.core.extensions), shown to this user."""
    access = access_for(user)
    shown = []
    for block in extensions.dashboard_blocks():
        if block.permission is not None and not access.can(block.permission):
            continue
        data = block.context(user, today)
        if data is not None:
            shown.append((block, data))
    return shown
