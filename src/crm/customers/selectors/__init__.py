"""Every read of customers and what hangs off them, always through the permission engine."""
