"""crm.core.states: a transition table decides; an illegal step is a 409 Conflict with the reason."""

import pytest
from django.db import models
from django.utils import translation

from crm.core.errors import Conflict
from crm.core.states import IllegalTransition, StateMachine


class Light(models.TextChoices):
    RED = "red", "红灯"
    GREEN = "green", "绿灯"
    AMBER = "amber", "黄灯"


FLOW = StateMachine(
    Light,
    [
        ("go", [Light.RED], Light.GREEN),
        ("slow", [Light.GREEN], Light.AMBER),
        ("stop", [Light.AMBER, Light.GREEN], Light.RED),
    ],
    labels={"go": "通行", "slow": "减速", "stop": "停止"},
)


def test_the_table_gives_the_allowed_actions_and_their_targets():
    assert FLOW.actions(Light.GREEN) == ["slow", "stop"]
    assert FLOW.actions(Light.RED) == ["go"]
    assert FLOW.target(Light.RED, "go") == Light.GREEN
    assert FLOW.action_to(Light.GREEN, Light.RED) == "stop"


def test_an_illegal_step_is_a_conflict_that_says_why():
    with translation.override("zh-hans"), pytest.raises(IllegalTransition) as caught:
        FLOW.target(Light.RED, "slow")
    error = caught.value
    assert isinstance(error, Conflict) and error.status == 409 and error.code == "illegal_transition"
    assert "减速" in str(error.message) and "红灯" in str(error.message)
    assert error.details == {"status": "red", "action": "slow", "allowed": ["go"]}
    with pytest.raises(IllegalTransition):
        FLOW.action_to(Light.RED, Light.AMBER)
    with pytest.raises(IllegalTransition):
        FLOW.target(Light.RED, "fly")


def test_a_table_naming_an_unknown_status_is_refused_when_written():
    with pytest.raises(ValueError, match="unknown"):
        StateMachine(Light, [("blink", [Light.RED], "blue")])
