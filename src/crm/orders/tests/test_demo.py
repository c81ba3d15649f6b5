"""The demo loader sends two years of orders through the ERP sync, some customers gone quiet,
some orders unmatched; it runs once."""

import datetime

from django.utils import timezone

from crm.customers.testing import make_customer
from crm.orders.demo import load
from crm.orders.models import EFFECTIVE, Order, Product, Stock


def test_demo_orders_over_two_years_with_quiet_customers_and_unmatched_ones(sales):
    customers = [make_customer(manager=sales.manager, name=f"演示客户{index}有限公司") for index in range(8)]
    lines = []
    load(lines.append)
    assert Product.objects.count() == 30 and Stock.objects.exists()
    today = timezone.localdate()
    assert Order.objects.filter(ordered_on__lt=today - datetime.timedelta(days=600)).exists()
    quiet = [c for c in customers if c.pk % 7 == 0]
    for customer in customers:
        last = Order.objects.filter(EFFECTIVE, customer=customer).order_by("-ordered_on").first()
        if customer in quiet:
            assert last.ordered_on < today - datetime.timedelta(days=200)
    assert Order.objects.filter(customer=None).count() == 4
    count = Order.objects.count()
    load(lines.append)
    assert Order.objects.count() == count and lines[-1] == "orders: already loaded"
