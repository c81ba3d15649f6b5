"""Shapes of the customers API, one module per group of viewsets (crm.customers.api)."""
