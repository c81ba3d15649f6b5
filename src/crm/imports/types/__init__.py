"""The record types that can be imported; later modules register theirs the same way."""

from crm.imports.types import (  # noqa: F401  (registrations)
    commissions,
    competitors,
    contacts,
    contracts,
    customers,
    erp,
    leads,
    opportunities,
    reports,
    sales,
    salesadmin,
    services,
)
