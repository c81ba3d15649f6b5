"""Customer management (CUS-1…CUS-16): customers, contacts, follow-ups and interaction records,
sharing and handover, the public pool, duplicate check and merge, search, list views, the
customer 360 page, attachments and contracts. See docs/customers.md."""
