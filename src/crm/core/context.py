"""Who is acting and from where, for the audit log, without passing HTTP objects into services.

The request middleware sets it for UI and API requests; commands and jobs set it themselves.
"""

import contextvars
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass(frozen=True)
class ActionContext:
    source: str = "system"  # ui, api, import, job, command, system
    ip: str | None = None
    user_agent: str = ""


_current = contextvars.ContextVar("crm_action_context", default=ActionContext())


def current() -> ActionContext:
    return _current.get()


@contextmanager
def acting(source: str, ip: str | None = None, user_agent: str = ""):
    token = _current.set(ActionContext(source=source, ip=ip, user_agent=user_agent[:250]))
    try:
        yield
    finally:
        _current.reset(token)
