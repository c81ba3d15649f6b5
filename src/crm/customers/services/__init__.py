"""Every write to customers and what hangs off them: permission asked, validated, atomic,
audited, and written to the customer's timeline. One module per concern."""
