"""Demo ERP data (`crm demo`), sent through the same sync as the ERP's push: products, three
warehouses and their stock, two years of shipped and paid orders for the demo customers (a few of
them gone quiet for more than six months, so the churn scan has work) and some orders whose
customer the CRM does not know yet (the unmatched list)."""

import datetime
import math
import random
from decimal import Decimal

from django.utils import timezone

from crm.core.demo import DemoLoader, register_demo
from crm.customers.models import Customer
from crm.orders import sync
from crm.orders.models import Order
from crm.orders.services import erp_account_issue

CENT = Decimal("0.01")

PRODUCTS = [
    ("工业路由器", "R-200", "台", "1280.00", "网络设备"),
    ("工业路由器", "R-500", "台", "2680.00", "网络设备"),
    ("千兆交换机", "S-24G", "台", "860.00", "网络设备"),
    ("万兆交换机", "S-48X", "台", "5200.00", "网络设备"),
    ("无线接入点", "AP-6", "个", "420.00", "网络设备"),
    ("边缘网关", "EG-10", "台", "3600.00", "物联网"),
    ("温湿度传感器", "TH-1", "个", "95.00", "物联网"),
    ("智能电表", "EM-3P", "台", "680.00", "物联网"),
    ("工控机", "IPC-7", "台", "7800.00", "工控"),
    ("触摸屏", "HMI-10", "台", "2300.00", "工控"),
    ("PLC 控制器", "PLC-S7", "台", "4500.00", "工控"),
    ("超五类网线", "CAT5E-305", "箱", "380.00", "耗材"),
    ("光纤跳线", "LC-LC-3M", "根", "18.00", "耗材"),
    ("机柜", "RACK-42U", "台", "2100.00", "机房"),
    ("不间断电源", "UPS-3K", "台", "3900.00", "机房"),
]
WAREHOUSES = [
    ("W-SH", "上海一号仓", "上海市浦东新区"), ("W-BJ", "北京仓", "北京市大兴区"), ("W-GZ", "广州仓", "广州市黄埔区"),
]


def load(log) -> None:
    if Order.objects.exists():
        log("orders: already loaded")
        return
    customers = list(Customer.objects.order_by("id").values_list("pk", "number", "name", "address")[:80])
    if not customers:
        log("orders: no customers (load them first)")
        return
    erp, _key = erp_account_issue()
    rng = random.Random(2026)
    batches = [f"{year}{half}" for year in (2025, 2026) for half in "AB"]
    products = [
        {"external_id": f"P{index:03d}{batch[-1]}", "name": name, "model": model, "batch": batch, "unit": unit,
         "price": price, "category": category}
        for index, (name, model, unit, price, category) in enumerate(PRODUCTS, start=1)
        for batch in batches[-2:]
    ]
    sync.products_sync(actor=erp, rows=products)
    sync.warehouses_sync(actor=erp, rows=[{"external_id": k, "name": n, "address": a} for k, n, a in WAREHOUSES])
    sync.stock_sync(actor=erp, rows=[
        {"product": product["external_id"], "warehouse": key, "quantity": str(rng.randint(0, 300))}
        for product in products for key, _name, _address in WAREHOUSES if rng.random() < 0.7
    ])
    today = timezone.localdate()
    orders = []
    for pk, number, name, address in customers:
        quiet = pk % 7 == 0  # one customer in seven stopped ordering 7 to 12 months ago
        last = today - datetime.timedelta(days=rng.randint(215, 365) if quiet else rng.randint(3, 90))
        # Each customer its own rhythm (every 10 days to every 200), with irregular gaps: what real
        # buyers look like, and what the customer value model learns from.
        rhythm = min(200.0, max(10.0, rng.lognormvariate(math.log(45), 0.7)))
        day = last
        while day >= today - datetime.timedelta(days=730):
            orders.append(_order(rng, len(orders) + 1, day, number, name, address, products))
            day -= datetime.timedelta(days=max(1, round(rng.expovariate(1 / rhythm))))
    for index in range(4):  # customers of the ERP the CRM has not recorded yet
        day = today - datetime.timedelta(days=10 * index + 5)
        orders.append(_order(rng, len(orders) + 1, day, f"ERP-C{900 + index % 2}", f"新客户{index % 2 + 1}号贸易公司",
                             "杭州市西湖区", products))
    for start in range(0, len(orders), sync.MAX_ROWS):
        sync.orders_sync(actor=erp, rows=orders[start : start + sync.MAX_ROWS])
    log(f"orders: {len(products)} products, {Order.objects.count()} orders")


def _order(rng, serial: int, day: datetime.date, code: str, name: str, address: str, products) -> dict:
    lines = []
    for line_no in range(1, rng.randint(1, 4) + 1):
        product = rng.choice(products)
        quantity = rng.choice((1, 2, 3, 5, 10, 20))
        price = (Decimal(product["price"]) * Decimal(rng.choice(("1", "0.95", "0.9")))).quantize(CENT)  # discounts
        lines.append({"line_no": line_no, "product": product["external_id"], "quantity": str(quantity),
                      "price": str(price)})
    return {
        "external_id": f"SO-{serial:06d}", "number": f"XS{day:%Y%m%d}{serial:04d}", "customer_code": code,
        "customer_name": name, "ordered_on": day.isoformat(), "delivery_address": address or "上海市浦东新区",
        "status": 6 if day < timezone.localdate() - datetime.timedelta(days=30) else rng.choice((5, 6, 3)),
        "lines": lines,
    }


register_demo(DemoLoader(key="orders", load=load, order=46))  # after customers and services
