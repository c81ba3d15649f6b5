"""Domain errors: raised by services and selectors, turned into HTTP answers by views and the API.

Domain code never imports HTTP machinery; these exceptions carry what the HTTP layers need.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base class. `code` is the stable machine name used in the API's error body."""

    code = "error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(
        self, message=None, *, fields: dict | None = None, code: str | None = None, details: dict | None = None
    ):
        self.message = message or self.default_message
        self.fields = fields or {}
        # Structured facts for API clients (e.g. the duplicates found), sent as error.details.
        self.details = details or {}
        if code:
            self.code = code
        super().__init__(str(self.message))

    def summary(self) -> str:
        """One line for a message or a terminal: the field messages, else the message."""
        return "; ".join(str(m) for messages in self.fields.values() for m in _listed(messages)) or str(self.message)


def _listed(messages) -> list:
    return list(messages) if isinstance(messages, list | tuple) else [messages]


class ValidationFailed(DomainError):
    code = "validation_error"
    status = 400
    default_message = _("Some of the values are not valid.")


class PermissionDenied(DomainError):
    """The user may not do this action at all (function permission)."""

    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class NotFound(DomainError):
    """Does not exist, or is outside the user's data scope: both look the same."""

    code = "not_found"
    status = 404
    default_message = _("The record does not exist.")


class Conflict(DomainError):
    """The action is not allowed in the record's current state, or would create a duplicate."""

    code = "conflict"
    status = 409
    default_message = _("The action is not allowed in the record's current state.")


class TooLarge(DomainError):
    """An upload over the size limit."""

    code = "too_large"
    status = 413
    default_message = _("The file is too large.")
