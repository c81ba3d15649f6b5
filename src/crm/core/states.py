"""State machines as data (ADR 0018): a table of named transitions says which actions a record's
status allows; a service asks the table before it writes, and an illegal step raises
IllegalTransition, a Conflict: pages show its message, the API answers 409 with it.

    CUSTOMER_STATES = StateMachine(CustomerStatus, [
        ("warn", [CustomerStatus.NORMAL], CustomerStatus.CHURN_WARNING),
        ...
    ])
    target = CUSTOMER_STATES.target(customer.status, "warn")   # or raises IllegalTransition
    CUSTOMER_STATES.actions(customer.status)                   # for the buttons a page shows
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from crm.core.errors import Conflict


class IllegalTransition(Conflict):
    code = "illegal_transition"
    default_message = _("This step is not possible in the record's current status.")


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset
    target: str


class StateMachine:
    def __init__(self, states, transitions: Iterable[tuple[str, Iterable[str], str]], labels: dict | None = None):
        """`states`: the status TextChoices; `transitions`: (action, from statuses, to status);
        `labels`: the actions as users read them, for messages."""
        self.states = states
        self.labels = labels or {}
        self.transitions = {
            action: Transition(action, frozenset(sources), target) for action, sources, target in transitions
        }
        for transition in self.transitions.values():
            unknown = (transition.sources | {transition.target}) - set(states.values)
            if unknown:
                raise ValueError(f"{transition.action}: unknown statuses {sorted(unknown)}")

    def actions(self, state: str) -> list[str]:
        """The actions allowed from `state`, in table order."""
        return [action for action, transition in self.transitions.items() if state in transition.sources]

    def target(self, state: str, action: str) -> str:
        """The status `action` leads to from `state`; IllegalTransition if the table has no such step."""
        transition = self.transitions.get(action)
        if transition is None or state not in transition.sources:
            raise IllegalTransition(
                _("“%(action)s” is not possible while the status is “%(state)s”.")
                % {"action": self.labels.get(action, action), "state": self.states(state).label},
                details={"status": state, "action": action, "allowed": self.actions(state)},
            )
        return transition.target

    def action_to(self, state: str, target: str) -> str:
        """The action that moves `state` to `target`; IllegalTransition if none does."""
        for action, transition in self.transitions.items():
            if state in transition.sources and transition.target == target:
                return action
        raise IllegalTransition(
            _("The status cannot change from “%(state)s” to “%(target)s”.")
            % {"state": self.states(state).label, "target": self.states(target).label},
            details={"status": state, "target": target, "allowed": self.actions(state)},
        )
