"""ORD-1 from files: products, warehouses, inventory and orders (one row per line) from CSV in
UTF-8 or GBK and from Excel, through the same checks as the push API; the same file twice
changes nothing; a bad row is rejected with its reason and the others are written."""

from decimal import Decimal

from crm.customers.testing import make_customer
from crm.imports.tests.conftest import csv_bytes, run_import, xlsx_bytes
from crm.orders.models import Order, OrderLine, Product, Stock, Warehouse

PRODUCTS = [
    ["产品编号", "产品名称", "型号", "批次", "单位", "单价", "类别"],
    ["P0001", "工业路由器", "R-200", "2026A", "台", "1200.00", "网络设备"],
    ["P0002", "千兆交换机", "S-24", "2026B", "台", "800", "网络设备"],
    ["", "无编号产品", "X", "", "", "", ""],
    ["P0003", "价格不对", "X", "", "", "一千", ""],
]
HEAD = ["订单编码", "订单编号", "客户编码", "客户名称", "下单日期", "送货地址", "订单状态"]
LINE = ["行号", "产品编号", "数量", "单价", "金额"]
PUJIANG = ["上海浦江电子有限公司", "2026-11-02", "上海市张江路 88 号", "已发货"]
UNKNOWN = ["ERP-9", "未建档客户"]
ORDERS = [
    HEAD + LINE,
    ["SO-1", "XS0001", "", *PUJIANG, "1", "P0001", "2", "1200", ""],
    ["SO-1", "XS0001", "", *PUJIANG, "2", "P0002", "1", "800", "750"],
    ["SO-2", "XS0002", *UNKNOWN, "2026-10-01", "北京市", "6", "1", "P0001", "1", "1200", ""],
    ["SO-3", "XS0003", *UNKNOWN, "2026-13-01", "北京市", "6", "1", "P0001", "1", "1200", ""],
    ["SO-4", "XS0004", *UNKNOWN, "2026-10-01", "北京市", "6", "1", "P9999", "1", "1200", ""],
]


def test_products_warehouses_and_inventory_from_gbk_csv_and_excel(admin_user):
    job = run_import(admin_user, csv_bytes(PRODUCTS, encoding="gbk"), "产品.csv", record_type="erp_products")
    assert (job.created_count, job.rejected_count) == (2, 2)
    assert Product.objects.get(external_id="P0002").price == Decimal("800.00")
    again = run_import(admin_user, csv_bytes(PRODUCTS, encoding="gbk"), "产品.csv", record_type="erp_products")
    assert (again.created_count, again.updated_count) == (0, 0)  # the same file twice changes nothing

    warehouses = [["仓库编号", "仓库名称", "地址"], ["W01", "上海一号仓", "上海市浦东新区"]]
    run_import(admin_user, xlsx_bytes(warehouses), "仓库.xlsx", record_type="erp_warehouses")
    stock = [["产品编号", "仓库编号", "数量"], ["P0001", "W01", "120"], ["P0002", "W01", "7.5"], ["P0001", "W99", "1"]]
    job = run_import(admin_user, xlsx_bytes(stock), "库存.xlsx", record_type="erp_inventory")
    assert (job.created_count, job.rejected_count) == (2, 1)
    assert Warehouse.objects.get().name == "上海一号仓"
    assert Stock.objects.get(product__external_id="P0002").quantity == Decimal("7.5")


def test_orders_one_row_per_line_with_customers_found_and_unmatched_kept(admin_user, sales):
    customer = make_customer(manager=sales.manager, name="上海浦江电子有限公司")
    run_import(admin_user, csv_bytes(PRODUCTS), "产品.csv", record_type="erp_products")
    job = run_import(admin_user, csv_bytes(ORDERS), "订单.csv", record_type="erp_orders")
    assert (job.created_count, job.rejected_count) == (3, 2)
    first = Order.objects.get(external_id="SO-1")
    assert (first.customer, first.status, first.total) == (customer, 5, Decimal("3150.00"))  # 2400 + 750
    assert Order.objects.get(external_id="SO-2").customer is None  # kept for someone to resolve
    assert OrderLine.objects.count() == 3

    again = run_import(admin_user, csv_bytes(ORDERS), "订单.csv", record_type="erp_orders")
    assert (again.created_count, again.updated_count, again.rejected_count) == (0, 0, 2)
    changed = [ORDERS[0], [*ORDERS[1][:7], "1", "P0001", "3", "1200", ""]]
    job = run_import(admin_user, csv_bytes(changed), "订单.csv", record_type="erp_orders")
    assert job.updated_count == 1
    first.refresh_from_db()
    assert first.total == Decimal("4350.00")  # 3600 + the line the file did not name
    assert first.lines.count() == 2


def test_only_those_who_may_push_import_erp_data(sales):
    from crm.imports import registry

    assert not registry.get("erp_orders").allowed(sales.supervisor)
    assert not registry.get("erp_products").allowed(sales.manager)


def test_products_and_inventory_export_as_filtered_with_their_permission(sales):
    import csv
    import io

    import pytest

    from crm.core.errors import PermissionDenied
    from crm.imports.services import exports
    from crm.orders.testing import make_product, make_stock, make_warehouse

    def rows(record_type, params):
        done = exports.export_start(actor=sales.executive, record_type=record_type, fmt="csv", params=params)
        return list(csv.reader(io.StringIO(done.content.decode("utf-8-sig"))))[1:]

    shanghai, beijing = make_warehouse("上海一号仓"), make_warehouse("北京仓")
    router, switch = make_product("工业路由器", "R-200"), make_product("千兆交换机", "S-24")
    make_stock(router, shanghai, "12"), make_stock(router, beijing, "3"), make_stock(switch, shanghai, "7")
    assert [row[1] for row in rows("products", "model=R-2")] == ["工业路由器"]
    assert sorted((row[1], row[4], row[5]) for row in rows("inventory", f"warehouse={shanghai.pk}")) == [
        ("千兆交换机", "上海一号仓", "7.000"), ("工业路由器", "上海一号仓", "12.000")
    ]
    with pytest.raises(PermissionDenied):  # managers query products; exporting them is not theirs
        exports.export_start(actor=sales.manager, record_type="products", fmt="csv")
