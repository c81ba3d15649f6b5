"""Sales administration 销售管理 (issue 18, SADM-1…3): monthly sales targets with their review,
weekly and monthly work reports, expense claims through the approval engine. docs/sales-admin.md."""
