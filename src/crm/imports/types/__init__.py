"""The record types that can be imported; later modules register theirs the same way."""

from crm.imports.types import contacts, contracts, customers, opportunities  # noqa: F401  (registrations)
