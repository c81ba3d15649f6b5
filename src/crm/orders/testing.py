"""Helpers for tests: products, warehouses, stock and orders as the ERP sends them."""

import datetime
import itertools
from decimal import Decimal

from crm.orders import totals
from crm.orders.models import Order, OrderLine, OrderStatus, Product, Stock, Warehouse

_serial = itertools.count(1)


def make_product(name: str = "工业路由器", model_number: str = "R-200", batch: str = "2026A", **data) -> Product:
    key = data.pop("external_id", f"P{next(_serial):05d}")
    values = {"unit": "台", "price": Decimal("1200.00"), "category": "网络设备", **data}
    return Product.objects.create(external_id=key, name=name, model_number=model_number, batch=batch, **values)


def make_warehouse(name: str = "上海一号仓", **data) -> Warehouse:
    key = data.pop("external_id", f"W{next(_serial):05d}")
    return Warehouse.objects.create(external_id=key, name=name, **data)


def make_stock(product: Product, warehouse: Warehouse, quantity="10") -> Stock:
    return Stock.objects.create(product=product, warehouse=warehouse, quantity=Decimal(quantity))


def make_order(
    customer,
    *,
    ordered_on: datetime.date | None = None,
    status: int = OrderStatus.SHIPPED,
    lines=None,
    **data,
) -> Order:
    """An order of `customer` (None: unmatched) with `lines` of (product, quantity, price); one
    line of a new product by default. The total is the lines' sum."""
    serial = next(_serial)
    lines = lines if lines is not None else [(make_product(), "2", "1200.00")]
    amounts = [Decimal(quantity) * Decimal(price) for _product, quantity, price in lines]
    order = Order.objects.create(
        external_id=data.pop("external_id", f"O{serial:06d}"),
        number=data.pop("number", f"SO{serial:06d}"),
        customer=customer,
        customer_code=data.pop("customer_code", customer.number if customer else f"C{serial:05d}"),
        customer_name=data.pop("customer_name", customer.name if customer else "未知客户有限公司"),
        ordered_on=ordered_on or datetime.date(2026, 11, 2),
        delivery_address=data.pop("delivery_address", "上海市浦东新区张江路 88 号"),
        status=status,
        total=sum(amounts, Decimal("0")),
        **data,
    )
    OrderLine.objects.bulk_create(
        OrderLine(order=order, line_no=n, product=product, quantity=Decimal(quantity), price=Decimal(price), amount=a)
        for n, ((product, quantity, price), a) in enumerate(zip(lines, amounts, strict=True), start=1)
    )
    totals.refresh([order.customer_id])  # as every writer of orders does
    return order
