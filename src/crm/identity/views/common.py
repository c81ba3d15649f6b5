"""Small helpers shared by the organisation pages."""

from crm.core.forms import errors_onto_form

__all__ = ["errors_onto_form"]
