"""Generated data for the charts' tests (unit and browser): customers of four managers in two
branches, of every level, with revenues and creation months spread, and contracts of theirs.

Scopes differ: a manager (销售一部) sees their own; the supervisor (上海分公司) both Shanghai
managers'; the executive every one, Shenzhen's too."""

import datetime
from decimal import Decimal

from django.utils import timezone

from crm.customers.models import Contract, Customer
from crm.customers.testing import make_customer
from crm.dictionary.models import DictionaryItem


def make_chart_data(sales, prefix: str = "图表测试") -> list[Customer]:
    levels = list(DictionaryItem.objects.filter(category="customer_level").order_by("sort_order", "id"))
    owners = [sales.manager, sales.manager, sales.colleague, sales.other, sales.manager, sales.other]
    made = []
    for i in range(18):
        owner = owners[i % len(owners)]
        customer = make_customer(
            manager=owner,
            name=f"{prefix}{i:02d}号有限公司",
            level=levels[(i * 7) % len(levels)],
            annual_revenue=Decimal(100 + i * 37) if i % 4 else None,  # some left empty
            satisfaction=1 + i % 5,
        )
        # Spread over months: creation dates are set, not entered (auto_now_add).
        created = timezone.make_aware(datetime.datetime(2026, 1 + i % 7, 10, 12, 0))
        Customer.objects.filter(pk=customer.pk).update(created_at=created)
        Contract.objects.create(
            number=f"HT-{prefix}-{i:03d}", customer=customer, title="年度框架协议", amount=Decimal(1000 * (i + 1)),
            owner=owner, status="signed" if i % 3 else "draft",
        )
        made.append(customer)
    return made
