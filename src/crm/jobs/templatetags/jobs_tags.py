"""Formatting helpers for the background jobs pages."""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def run_duration(run) -> str:
    """A run's duration for people: "0.4 s", "2 min 5 s", "1 h 3 min"; "" when not finished."""
    if run is None or run.duration is None:
        return ""
    seconds = run.duration.total_seconds()
    if seconds < 60:
        return _("%(seconds).1f s") % {"seconds": seconds}
    minutes, seconds = divmod(int(seconds), 60)
    if minutes < 60:
        return _("%(minutes)d min %(seconds)d s") % {"minutes": minutes, "seconds": seconds}
    hours, minutes = divmod(minutes, 60)
    return _("%(hours)d h %(minutes)d min") % {"hours": hours, "minutes": minutes}


@register.filter
def result_summary(result) -> str:
    """A run's result on one line: "sessions: 3, notifications: 0"."""
    if result is None or result == {}:
        return ""
    if isinstance(result, dict):
        return ", ".join(f"{key}: {_compact(value)}" for key, value in result.items())
    return _compact(result)


@register.filter
def pretty_json(value) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False, cls=DjangoJSONEncoder, sort_keys=True)


def _compact(value) -> str:
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder)
        return text if len(text) <= 60 else text[:57] + "…"
    return str(value)
