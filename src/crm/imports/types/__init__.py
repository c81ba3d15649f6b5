"""The record types that can be imported; later modules register theirs the same way."""

from crm.imports.types import competitors, contacts, contracts, customers  # noqa: F401  (registrations)
