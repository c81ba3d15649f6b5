"""Products, warehouses, inventory and orders: a local copy of the company's sales system (ERP).

s003/5 §1 says the CRM keeps no orders of its own: the ERP owns them and the CRM reads them
(ORD-1). Every row is keyed by the ERP's `external_id`, so a push or a file of the same rows
twice changes nothing (crm.orders.sync). An order names its customer by the ERP's customer
code; crm.orders.matching links it to a customer (CustomerLink) or keeps it unmatched, listed
for someone to resolve, never dropped."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

MONEY = {"max_digits": 16, "decimal_places": 2}
QUANTITY = {"max_digits": 16, "decimal_places": 3}


class OrderStatus(models.IntegerChoices):
    """The ERP's status codes. s003/5 §3.2.1.4 names two of them: 5 shipped, 6 paid; the CRM
    keeps every order it is sent but reads only those two (history, churn, customer value)."""

    SHIPPED = 5, pgettext_lazy("order status", "Shipped")  # 已发货
    PAID = 6, pgettext_lazy("order status", "Paid")  # 已回款


# The orders the CRM reads (s003/5 §3.2.1.4): "只读取订单状态为已发货或已回款的数据".
EFFECTIVE_STATUSES = (OrderStatus.SHIPPED, OrderStatus.PAID)
EFFECTIVE = Q(status__in=EFFECTIVE_STATUSES)


def status_label(code: int) -> str:
    """The status as users read it; codes other than 5 and 6 mean what the ERP says."""
    try:
        return OrderStatus(code).label
    except ValueError:
        return _("ERP status %(code)s") % {"code": code}


class Synced(models.Model):
    """A row copied from the ERP: its key there and when it last changed here."""

    external_id = models.CharField(_("ERP key"), max_length=64, unique=True)
    synced_at = models.DateTimeField(_("synchronised at"), auto_now=True)

    class Meta:
        abstract = True


class Product(Synced):
    name = models.CharField(_("product name"), max_length=200)
    model_number = models.CharField(_("model"), max_length=100, blank=True)  # 型号
    batch = models.CharField(_("batch"), max_length=100, blank=True)  # 批次
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    price = models.DecimalField(_("price"), **MONEY, null=True, blank=True)
    category = models.CharField(_("category"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name", "model_number", "batch", "id"]
        indexes = [models.Index(fields=["name", "model_number", "batch", "id"], name="product_name_idx")]

    def __str__(self) -> str:
        return " ".join(part for part in (self.name, self.model_number, self.batch) if part)


class Warehouse(Synced):
    name = models.CharField(_("warehouse name"), max_length=100)
    address = models.CharField(_("address"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("warehouse")
        verbose_name_plural = _("warehouses")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Stock(models.Model):
    """The quantity of one product in one warehouse (ORD-4). Its ERP key is the pair."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stock", verbose_name=_("product"))
    warehouse = models.ForeignKey(
        Warehouse, on_delete=models.CASCADE, related_name="stock", verbose_name=_("warehouse"), db_index=False
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    synced_at = models.DateTimeField(_("synchronised at"), auto_now=True)

    class Meta:
        verbose_name = _("inventory")
        verbose_name_plural = _("inventory")
        constraints = [models.UniqueConstraint(fields=["warehouse", "product"], name="stock_warehouse_product")]

    def __str__(self) -> str:
        return f"{self.product} @ {self.warehouse}: {self.quantity}"


class CustomerLink(models.Model):
    """Which customer an ERP customer code stands for: found once (by the customer's number or
    the duplicate check) or set by whoever resolved an unmatched order, then used for every
    later order with that code."""

    code = models.CharField(_("ERP customer code"), max_length=64, unique=True)
    # A reverse name, so that merging customers moves the links with the orders (a hidden "+"
    # relation is not among the relations a merge re-points).
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.CASCADE, related_name="erp_links", verbose_name=_("customer")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("ERP customer link")
        verbose_name_plural = _("ERP customer links")

    def __str__(self) -> str:
        return self.code


class Order(Synced):
    number = models.CharField(_("order number"), max_length=64)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders",
        verbose_name=_("customer"),
        db_index=False,  # covered by the history index
    )
    # As the ERP sent them: what links the order to a customer, and what an unmatched one shows.
    customer_code = models.CharField(_("ERP customer code"), max_length=64, blank=True)
    customer_name = models.CharField(_("customer name in the ERP"), max_length=200, blank=True)
    ordered_on = models.DateField(_("order date"))
    delivery_address = models.CharField(_("delivery address"), max_length=300, blank=True)
    status = models.PositiveSmallIntegerField(_("status"))
    total = models.DecimalField(_("total"), **MONEY)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        indexes = [
            # A customer's history (ORD-2), newest first; also the last order per customer for
            # the churn scan and the customer value (an index-only scan).
            models.Index(
                "customer", models.F("ordered_on").desc(), models.F("id").desc(), "total",
                name="order_history_idx", condition=EFFECTIVE,
            ),
            # Orders waiting for someone to name their customer.
            models.Index(fields=["customer_code", "id"], name="order_unmatched_idx", condition=Q(customer=None)),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def status_label(self) -> str:
        return status_label(self.status)

    @property
    def effective(self) -> bool:
        return self.status in EFFECTIVE_STATUSES


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order"))
    line_no = models.PositiveIntegerField(_("line"))
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="+", verbose_name=_("product"), db_index=False
    )
    quantity = models.DecimalField(_("quantity"), **QUANTITY)
    price = models.DecimalField(_("price"), **MONEY)
    amount = models.DecimalField(_("amount"), **MONEY)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "line_no"]
        constraints = [models.UniqueConstraint(fields=["order", "line_no"], name="orderline_order_line")]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.line_no}"


class CustomerTotal(models.Model):
    """A customer's total of shipped and paid orders in one year (year 0: every year), kept by
    the orders' writers (crm.orders.totals). The contribution report (RPT-1) sorts a million
    customers by their total: no index can order customers by a sum over another table, so the
    sums are kept, and the report reads the largest first from `order_total_rank_idx` (ADR 0026).
    Derived: a merge folds the merged customers' rows into the target's, and `crm order_totals`
    computes them all anew from the orders."""

    ALL_YEARS = 0

    # The unique (customer, year) index serves the customer's rows: no index of its own.
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+", db_index=False)
    year = models.PositiveSmallIntegerField()
    total = models.DecimalField(max_digits=18, decimal_places=2)
    orders = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["customer", "year"], name="order_total_customer_year")]
        indexes = [
            models.Index("year", models.F("total").desc(), "customer", name="order_total_rank_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}/{self.year}: {self.total}"
