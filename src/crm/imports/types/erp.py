"""The ERP's data from files (ORD-1): products, warehouses, inventory and orders from CSV (UTF-8
or GBK) or Excel, for a company whose ERP exports files rather than calling the push API.

Each type hands its rows to the same sync as the API (crm.orders.sync), which checks and
converts every field, so a file and a push give the same results and the same messages. Orders
come one row per line (the order's fields repeated on each line). A preview runs the sync and
rolls it back. Only those with `orders.integration.push` (administrators) import these."""

from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crm.imports import registry
from crm.imports.exports import Column
from crm.orders import sync
from crm.orders.permissions import INTEGRATION, PRODUCT, STOCK
from crm.orders.selectors import product_list, stock_list

F = registry.FieldSpec

OUTCOMES = {sync.CREATED: registry.CREATED, sync.UPDATED: registry.UPDATED, sync.UNCHANGED: registry.SKIPPED}


class _Preview(Exception):
    """Rolls back a preview's writes."""


class ErpImport(registry.ImportType):
    resource = INTEGRATION
    run = None  # the crm.orders.sync function

    def check_access(self, access) -> None:
        access.require(f"{INTEGRATION}.push")

    def write(self, ctx, rows) -> None:
        valid = [row for row in rows if row.ok]
        payload = [{key: row.values.get(key, "") for key in ctx.fields} for row in valid]
        if not payload:
            return
        try:
            with transaction.atomic():
                result = type(self).run(actor=ctx.actor, rows=payload)
                if ctx.dry_run:
                    raise _Preview
        except _Preview:
            pass
        for row, outcome in zip(valid, result.rows, strict=True):
            if outcome.result == sync.REJECTED:
                for key, messages in outcome.errors.items():
                    for message in messages:
                        row.fail(key if key in ctx.fields else "", message)
                continue
            row.outcome = OUTCOMES[outcome.result]
            if outcome.result == sync.UNCHANGED:
                row.message = gettext("Unchanged: the CRM has this row already.")


def text(key, label, aliases, *, required=False, example="", help=""):
    # Plain text: crm.orders.sync converts and checks every value, as it does for the push API.
    return F(key, label, aliases, required=required, example=example, help=help, identifies=key == "external_id")


def product_key():
    return text("product", _("Product's ERP key"), ("产品编号", "产品编码", "product"), required=True, example="P0001")


class ProductImport(ErpImport):
    code = "erp_products"
    label = _("Products (from the ERP)")
    run = staticmethod(sync.products_sync)

    def fields(self):
        return [
            text("external_id", _("ERP key"), ("产品编号", "产品编码", "ERP编号", "external_id"), required=True,
                 example="P0001", help=_("The product's key in the ERP: a row with a key already here updates it.")),
            text("name", _("Product name"), ("产品名称", "名称", "name"), required=True, example="工业路由器"),
            text("model", _("Model"), ("型号", "规格型号", "model"), example="R-200"),
            text("batch", _("Batch"), ("批次", "批号", "batch"), example="2026A"),
            text("unit", _("Unit"), ("单位", "unit"), example="台"),
            text("price", _("Price"), ("价格", "单价", "price"), example="1200.00"),
            text("category", _("Category"), ("类别", "分类", "产品类别", "category"), example="网络设备"),
        ]


class WarehouseImport(ErpImport):
    code = "erp_warehouses"
    label = _("Warehouses (from the ERP)")
    run = staticmethod(sync.warehouses_sync)

    def fields(self):
        return [
            text("external_id", _("ERP key"), ("仓库编号", "仓库编码", "ERP编号", "external_id"), required=True,
                 example="W01"),
            text("name", _("Warehouse name"), ("仓库名称", "仓库", "name"), required=True, example="上海一号仓"),
            text("address", _("Address"), ("地址", "仓库地址", "address"), example="上海市浦东新区"),
        ]


class StockImport(ErpImport):
    code = "erp_inventory"
    label = _("Inventory (from the ERP)")
    run = staticmethod(sync.stock_sync)

    def fields(self):
        return [
            product_key(),
            text("warehouse", _("Warehouse's ERP key"), ("仓库编号", "仓库编码", "warehouse"), required=True,
                 example="W01"),
            text("quantity", _("Quantity"), ("数量", "库存数量", "库存", "quantity"), required=True, example="120"),
        ]


class OrderImport(ErpImport):
    code = "erp_orders"
    label = _("Orders (from the ERP, one row per line)")
    run = staticmethod(sync.order_lines_sync)

    def fields(self):
        return [
            text("external_id", _("ERP key"), ("订单编码", "ERP编号", "external_id"), required=True,
                 example="SO-000001", help=_("The order's key in the ERP; every line of one order repeats it.")),
            text("number", _("Order number"), ("订单编号", "订单号", "number"), required=True, example="XS20260001"),
            text("customer_code", _("ERP customer code"), ("客户编码", "客户编号", "customer_code"), example="KH000001",
                 help=_("The customer's code in the ERP, or the CRM's customer number.")),
            text("customer_name", _("Customer name"), ("客户名称", "客户", "customer_name"),
                 example="上海浦江电子有限公司"),
            text("customer_credit_code", _("Unified social credit code"), ("统一社会信用代码", "信用代码"),
                 example=""),
            text("ordered_on", _("Order date"), ("下单日期", "订单日期", "日期", "ordered_on"), required=True,
                 example="2026-11-02"),
            text("delivery_address", _("Delivery address"), ("送货地址", "收货地址", "地址", "delivery_address"),
                 example="上海市浦东新区张江路 88 号"),
            text("status", _("Status"), ("订单状态", "状态", "status"), required=True, example="5",
                 help=_("The ERP's status code: 5 shipped (已发货), 6 paid (已回款); others are kept but not shown.")),
            text("line_no", _("Line"), ("行号", "明细行", "line_no"), required=True, example="1"),
            product_key(),
            text("quantity", _("Quantity"), ("数量", "quantity"), required=True, example="2"),
            text("price", _("Price"), ("单价", "价格", "price"), required=True, example="1200.00"),
            text("amount", _("Amount"), ("金额", "amount"), example="2400.00",
                 help=_("Empty: quantity × price.")),
        ]


for import_type in (ProductImport(), WarehouseImport(), StockImport(), OrderImport()):
    registry.register(import_type)


# --- exports: the product and inventory queries as filtered on screen --------------------------------------
def _texts(params, *keys) -> dict:
    return {key: (params.get(key) or "").strip() if params else "" for key in keys}


def products_query(actor, params):
    filters = {**_texts(params, "name", "model", "batch"), "ordering": (params or {}).get("ordering") or "name"}
    columns = [
        Column("external_id", _("ERP key")), Column("name", _("Product name")), Column("model_number", _("Model")),
        Column("batch", _("Batch")), Column("unit", _("Unit")), Column("price", _("Price")),
        Column("category", _("Category")), Column("synced_at", _("Synchronised at")),
    ]
    return product_list(user=actor, filters=filters), columns


def inventory_query(actor, params):
    warehouse = (params or {}).get("warehouse") or ""
    filters = {**_texts(params, "product"), "warehouse": int(warehouse) if str(warehouse).isdigit() else None}
    columns = [
        Column("product.external_id", _("Product's ERP key")), Column("product.name", _("Product name")),
        Column("product.model_number", _("Model")), Column("product.batch", _("Batch")),
        Column("warehouse.name", _("Warehouse name")), Column("quantity", _("Quantity")),
        Column("product.unit", _("Unit")), Column("synced_at", _("Synchronised at")),
    ]
    return stock_list(user=actor, filters=filters), columns


registry.register_export(
    registry.ExportSource(code="products", label=_("Products"), resource=PRODUCT, query=products_query)
)
registry.register_export(
    registry.ExportSource(code="inventory", label=_("Inventory"), resource=STOCK, query=inventory_query)
)
