"""Small helpers shared by the organisation pages."""

from crm.core.errors import DomainError


def errors_onto_form(form, exc: DomainError, field_map: dict | None = None) -> None:
    """Put a service's refusal back on the form: field messages under their fields, the rest on top."""
    field_map = field_map or {}
    for name, messages in (exc.fields or {}).items():
        target = field_map.get(name, name)
        for message in messages if isinstance(messages, list | tuple) else [messages]:
            form.add_error(target if target in form.fields else None, str(message))
    if not exc.fields:
        form.add_error(None, str(exc.message))
