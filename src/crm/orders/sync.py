"""Upserting what the ERP sends (ORD-1): products, warehouses, inventory and orders, in batches.

The same code serves the push API (crm.orders.api.integration) and the file imports
(crm.imports.types.erp). A batch is checked row by row: a bad row is rejected with its reasons
and the others are written. A row equal to the stored one is left alone ("unchanged"), so sending
a batch twice changes nothing. Writes are upserts in the database (INSERT … ON CONFLICT DO
UPDATE on the ERP key): two pushes of the same new row at once cannot both insert it.

Each call answers per row: created, updated, unchanged or rejected (with the errors by field)."""

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from crm.access.engine import access_for
from crm.audit.services import audit_record
from crm.core.errors import TooLarge
from crm.orders import rows as r
from crm.orders import totals
from crm.orders.extensions import customers_ordered
from crm.orders.matching import Party, match_customers
from crm.orders.models import EFFECTIVE_STATUSES, Order, OrderLine, Product, Stock, Warehouse
from crm.orders.permissions import INTEGRATION

MAX_ROWS = 5000  # rows a call
MAX_LINES = 500  # lines an order
CREATED, UPDATED, UNCHANGED, REJECTED = "created", "updated", "unchanged", "rejected"
# A total the ERP sends may differ from the sum of its lines by rounding, not by more.
TOTAL_TOLERANCE = Decimal("0.01")

PRODUCT = [
    r.Field("external_id", r.key, required=True),
    r.Field("name", r.text(200), required=True),
    r.Field("model", r.text(100)),
    r.Field("batch", r.text(100)),
    r.Field("unit", r.text(20)),
    r.Field("price", r.decimal(16, 2, minimum=Decimal(0)), default=None),
    r.Field("category", r.text(100)),
]
WAREHOUSE = [
    r.Field("external_id", r.key, required=True),
    r.Field("name", r.text(100), required=True),
    r.Field("address", r.text(300)),
]
STOCK = [
    r.Field("product", r.key, required=True),
    r.Field("warehouse", r.key, required=True),
    r.Field("quantity", r.decimal(16, 3), required=True),
]
ORDER = [
    r.Field("external_id", r.key, required=True),
    r.Field("number", r.text(64), required=True),
    r.Field("customer_code", r.text(64)),
    r.Field("customer_name", r.text(200)),
    r.Field("customer_credit_code", r.text(18)),
    r.Field("ordered_on", r.date, required=True),
    r.Field("delivery_address", r.text(300)),
    r.Field("status", r.status, required=True),
    r.Field("total", r.decimal(16, 2), default=None),
]
HEADER = [field.name for field in ORDER if field.name != "total"]
LINE = [
    r.Field("line_no", r.small_int, default=None),
    r.Field("product", r.key, required=True),
    r.Field("quantity", r.decimal(16, 3), required=True),
    r.Field("price", r.decimal(16, 2), required=True),
    r.Field("amount", r.decimal(16, 2), default=None),
]


@dataclass
class RowResult:
    row: int  # position in the batch, from 0
    key: str
    result: str
    errors: r.Errors = field(default_factory=dict)


@dataclass
class BatchResult:
    entity: str
    rows: list[RowResult]

    @property
    def counts(self) -> dict[str, int]:
        counted = Counter(row.result for row in self.rows)
        return {outcome: counted.get(outcome, 0) for outcome in (CREATED, UPDATED, UNCHANGED, REJECTED)}


def _begin(actor, rows) -> None:
    access_for(actor).require(f"{INTEGRATION}.push")
    if len(rows) > MAX_ROWS:
        raise TooLarge(_("At most %(count)s rows a call.") % {"count": MAX_ROWS})


def _checked(rows, fields, key_of) -> tuple[list[tuple[int, str, dict]], list[RowResult]]:
    """The valid rows as (position, key, values) and the rejected ones; a key sent twice in one
    batch is rejected the second time (which of the two should win is not ours to guess)."""
    valid, rejected, seen = [], [], set()
    for position, row in enumerate(rows):
        values, errors = r.check(row, fields)
        row_key = key_of(values) if not errors else _raw_key(row)
        if not errors and row_key in seen:
            errors = {"external_id": [_("This row's key appears more than once in the batch.")]}
        if errors:
            rejected.append(RowResult(position, row_key, REJECTED, errors))
        else:
            seen.add(row_key)
            valid.append((position, row_key, values))
    return valid, rejected


def _raw_key(row) -> str:
    if not isinstance(row, dict):
        return ""
    if "external_id" in row:
        return str(row.get("external_id"))[:64]
    return f"{str(row.get('product'))[:64]}@{str(row.get('warehouse'))[:64]}"


def _same(stored: dict | None, values: dict) -> bool:
    return stored is not None and all(stored[name] == value for name, value in values.items())


def _finish(actor, entity: str, results: list[RowResult]) -> BatchResult:
    batch = BatchResult(entity, sorted(results, key=lambda row: row.row))
    counts = batch.counts
    if counts[CREATED] or counts[UPDATED] or counts[REJECTED]:
        audit_record(
            actor=actor,
            action="orders.sync",
            changes={"entity": entity, **counts},
            object_repr=entity,
            message=_("ERP %(entity)s: %(created)s created, %(updated)s updated, %(rejected)s rejected")
            % {"entity": entity, **counts},
        )
    return batch


def _upsert(model, valid, stored, unique_fields, make, same=None) -> list[RowResult]:
    """Write the rows that differ from the stored ones in one upsert; the results by row."""
    same = same or (lambda row_key, old, values: _same(old, values))
    results, objects = [], []
    for position, row_key, values in valid:
        old = stored.get(row_key)
        if same(row_key, old, values):
            results.append(RowResult(position, row_key, UNCHANGED))
            continue
        results.append(RowResult(position, row_key, UPDATED if old is not None else CREATED))
        objects.append(make(values))
    if objects:
        updated = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in unique_fields]
        model.objects.bulk_create(
            objects, update_conflicts=True, unique_fields=unique_fields, update_fields=updated, batch_size=1000
        )
    return results


@transaction.atomic
def products_sync(*, actor, rows: list) -> BatchResult:
    _begin(actor, rows)
    valid, results = _checked(rows, PRODUCT, lambda v: v["external_id"])
    names = {"name": "name", "model": "model_number", "batch": "batch", "unit": "unit", "price": "price",
             "category": "category"}
    for _position, _key, values in valid:
        for api_name, field_name in names.items():
            values[field_name] = values.pop(api_name)
    stored = {
        row["external_id"]: row
        for row in Product.objects.filter(external_id__in=[k for _p, k, _v in valid]).values(
            "external_id", *names.values()
        )
    }
    results += _upsert(Product, valid, stored, ["external_id"], lambda values: Product(**values))
    return _finish(actor, "products", results)


@transaction.atomic
def warehouses_sync(*, actor, rows: list) -> BatchResult:
    _begin(actor, rows)
    valid, results = _checked(rows, WAREHOUSE, lambda v: v["external_id"])
    stored = {
        row["external_id"]: row
        for row in Warehouse.objects.filter(external_id__in=[k for _p, k, _v in valid]).values(
            "external_id", "name", "address"
        )
    }
    results += _upsert(Warehouse, valid, stored, ["external_id"], lambda values: Warehouse(**values))
    return _finish(actor, "warehouses", results)


@transaction.atomic
def stock_sync(*, actor, rows: list) -> BatchResult:
    """Inventory rows are keyed by (product, warehouse), both the ERP's keys."""
    _begin(actor, rows)
    valid, results = _checked(rows, STOCK, lambda v: f"{v['product']}@{v['warehouse']}")
    products = _ids(Product, {values["product"] for _p, _k, values in valid})
    warehouses = _ids(Warehouse, {values["warehouse"] for _p, _k, values in valid})
    known = []
    for position, row_key, values in valid:
        errors = {}
        if values["product"] not in products:
            errors["product"] = [_("Unknown product %(key)s: send the product first.") % {"key": values["product"]}]
        if values["warehouse"] not in warehouses:
            errors["warehouse"] = [
                _("Unknown warehouse %(key)s: send the warehouse first.") % {"key": values["warehouse"]}
            ]
        if errors:
            results.append(RowResult(position, row_key, REJECTED, errors))
            continue
        known.append((position, row_key, {
            "product_id": products[values["product"]],
            "warehouse_id": warehouses[values["warehouse"]],
            "quantity": values["quantity"],
        }))
    pairs = Stock.objects.filter(
        product_id__in={v["product_id"] for _p, _k, v in known},
        warehouse_id__in={v["warehouse_id"] for _p, _k, v in known},
    ).values("product_id", "warehouse_id", "quantity")
    by_ids = {(row["product_id"], row["warehouse_id"]): row for row in pairs}
    stored = {
        row_key: by_ids.get((values["product_id"], values["warehouse_id"])) for _p, row_key, values in known
    }
    stored = {k: v for k, v in stored.items() if v is not None}
    results += _upsert(Stock, known, stored, ["warehouse", "product"], lambda values: Stock(**values))
    return _finish(actor, "inventory", results)


def _ids(model, keys: set[str]) -> dict[str, int]:
    return dict(model.objects.filter(external_id__in=keys).values_list("external_id", "pk")) if keys else {}


@transaction.atomic
def orders_sync(*, actor, rows: list) -> BatchResult:
    """Orders with their lines. An order's lines are replaced when the order changes; its total
    is the lines' sum (a total sent must agree with it). The customer is found by
    crm.orders.matching; an order with none found is kept, unmatched."""
    _begin(actor, rows)
    valid, results = _checked(rows, ORDER, lambda v: v["external_id"])
    lines_of = {}
    product_keys = set()
    checked = []
    for position, row_key, values in valid:
        lines, errors = _lines(rows[position].get("lines"))
        if not errors and not (values["customer_code"] or values["customer_name"]):
            errors["customer_code"] = [_("Name the customer: its ERP code or its name.")]
        if errors:
            results.append(RowResult(position, row_key, REJECTED, errors))
            continue
        lines_of[row_key] = lines
        product_keys.update(line["product"] for line in lines)
        checked.append((position, row_key, values))
    products = _ids(Product, product_keys)
    parties = {}
    known = []
    for position, row_key, values in checked:
        lines = lines_of[row_key]
        errors = _line_products(lines, products)
        total = sum((line["amount"] for line in lines), Decimal("0"))
        if values["total"] is not None and abs(values["total"] - total) > TOTAL_TOLERANCE:
            errors["total"] = [_("The total %(total)s is not the sum of the lines, %(sum)s.")
                               % {"total": values["total"], "sum": total}]
        if errors:
            results.append(RowResult(position, row_key, REJECTED, errors))
            continue
        values["total"] = total
        for line in lines:
            line["product_id"] = products[line.pop("product")]
        party = Party(values.pop("customer_code"), values.pop("customer_name"), values.pop("customer_credit_code"))
        parties[row_key] = party
        values.update(customer_code=party.code, customer_name=party.name)
        known.append((position, row_key, values))
    matched = match_customers(list(set(parties.values())))
    keys = [row_key for _p, row_key, _v in known]
    stored = {
        row["external_id"]: row
        for row in Order.objects.filter(external_id__in=keys).values(
            "id", "external_id", "number", "customer_id", "customer_code", "customer_name", "ordered_on",
            "delivery_address", "status", "total",
        )
    }
    stored_lines = _stored_lines([row["id"] for row in stored.values()])
    for _position, row_key, values in known:
        old = stored.get(row_key)
        # A customer found now wins; none found keeps the one named earlier (by hand, say).
        values["customer_id"] = matched.get(parties[row_key]) or (old["customer_id"] if old else None)

    def same(row_key, old, values) -> bool:
        lines = [_line_tuple(line) for line in lines_of[row_key]]
        return _same(old, values) and stored_lines.get(old["id"], []) == lines

    written = _upsert(Order, known, stored, ["external_id"], lambda values: Order(**values), same)
    results += written
    changed = {row.key for row in written if row.result != UNCHANGED}
    if changed:
        ids = dict(Order.objects.filter(external_id__in=changed).values_list("external_id", "pk"))
        OrderLine.objects.filter(order_id__in=ids.values()).delete()
        OrderLine.objects.bulk_create(
            [
                OrderLine(order_id=ids[row_key], **line)
                for row_key in changed
                for line in lines_of[row_key]
            ],
            batch_size=2000,
        )
        customers_ordered(
            values["customer_id"]
            for _position, row_key, values in known
            if row_key in changed and values["status"] in EFFECTIVE_STATUSES
        )
        # Both customers of an order that moved, and those of an order that stopped counting.
        totals.refresh(
            [values["customer_id"] for _position, row_key, values in known if row_key in changed]
            + [stored[row_key]["customer_id"] for row_key in changed if row_key in stored]
        )
    return _finish(actor, "orders", results)


def _lines(raw) -> tuple[list[dict], r.Errors]:
    if not isinstance(raw, list) or not raw:
        return [], {"lines": [_("An order needs at least one line.")]}
    if len(raw) > MAX_LINES:
        return [], {"lines": [_("At most %(count)s lines an order.") % {"count": MAX_LINES}]}
    lines, errors, numbers = [], {}, set()
    for index, item in enumerate(raw):
        values, line_errors = r.check(item, LINE)
        for name, messages in line_errors.items():
            errors[f"lines[{index}].{name}"] = messages
        if line_errors:
            continue
        values["line_no"] = values["line_no"] if values["line_no"] is not None else index + 1
        if values["line_no"] in numbers:
            errors[f"lines[{index}].line_no"] = [_("Two lines have this number.")]
        numbers.add(values["line_no"])
        if values["amount"] is None:
            values["amount"] = (values["quantity"] * values["price"]).quantize(Decimal("0.01"))
        lines.append(values)
    return sorted(lines, key=lambda line: line["line_no"]), errors


def _line_products(lines: list[dict], products: dict[str, int]) -> r.Errors:
    return {
        f"lines[{index}].product": [_("Unknown product %(key)s: send the product first.") % {"key": line["product"]}]
        for index, line in enumerate(lines)
        if line["product"] not in products
    }


def _line_tuple(line: dict) -> tuple:
    return (line["line_no"], line["product_id"], line["quantity"], line["price"], line["amount"])


def _stored_lines(order_ids: list[int]) -> dict[int, list[tuple]]:
    lines: dict[int, list[tuple]] = {}
    rows = OrderLine.objects.filter(order_id__in=order_ids).order_by("order_id", "line_no").values_list(
        "order_id", "line_no", "product_id", "quantity", "price", "amount"
    )
    for order_id, *line in rows:
        lines.setdefault(order_id, []).append(tuple(line))
    return lines


# Orders as a flat file has them: one row per line, the order's fields repeated on each.
ORDER_LINE = [field for field in ORDER if field.name != "total"] + [
    r.Field("line_no", r.small_int, required=True), *LINE[1:]
]


@transaction.atomic
def order_lines_sync(*, actor, rows: list) -> BatchResult:
    """Orders from a file, one row per line keyed by (order, line number). Lines are upserted one
    by one, so an order whose lines a file splits across batches comes out whole; a line the file
    does not name is left as it is (the push API, which sends whole orders, replaces them). Each
    order's total is then the sum of its stored lines."""
    _begin(actor, rows)
    valid, results = _checked(rows, ORDER_LINE, lambda v: f"{v['external_id']}#{v['line_no']}")
    headers: dict[str, dict] = {}
    products = _ids(Product, {values["product"] for _p, _k, values in valid})
    known = []
    for position, row_key, values in valid:
        header = {name: values[name] for name in HEADER}
        order_key = header["external_id"]
        errors = _line_products([values], products)
        if not (header["customer_code"] or header["customer_name"]):
            errors["customer_code"] = [_("Name the customer: its ERP code or its name.")]
        elif headers.setdefault(order_key, header) != header:
            errors["external_id"] = [_("This order's fields differ from an earlier row of the same order.")]
        if errors:
            results.append(RowResult(position, row_key, REJECTED, {k.removeprefix("lines[0]."): v
                                                                    for k, v in errors.items()}))
            continue
        line = {name: values[name] for name in ("line_no", "quantity", "price", "amount")}
        if line["amount"] is None:
            line["amount"] = (line["quantity"] * line["price"]).quantize(Decimal("0.01"))
        line["product_id"] = products[values["product"]]
        known.append((position, row_key, order_key, line))
    used = {order_key for _p, _k, order_key, _l in known}
    headers = {key: header for key, header in headers.items() if key in used}
    parties = {key: Party(h.pop("customer_code"), h.pop("customer_name"), h.pop("customer_credit_code"))
               for key, h in headers.items()}
    matched = match_customers(list(set(parties.values())))
    stored = {
        row["external_id"]: row
        for row in Order.objects.filter(external_id__in=list(headers)).values(
            "id", "external_id", "number", "customer_id", "customer_code", "customer_name", "ordered_on",
            "delivery_address", "status",
        )
    }
    changed_orders, new_orders = set(), []
    for order_key, header in headers.items():
        old = stored.get(order_key)
        party = parties[order_key]
        header.update(customer_code=party.code, customer_name=party.name,
                      customer_id=matched.get(party) or (old["customer_id"] if old else None))
        if not _same(old, header):
            changed_orders.add(order_key)
            new_orders.append(Order(**header, total=Decimal("0")))  # the total follows from the lines
    if new_orders:
        columns = ["number", "customer", "customer_code", "customer_name", "ordered_on", "delivery_address", "status",
                   "synced_at"]  # not the total: it follows from the lines below
        Order.objects.bulk_create(new_orders, update_conflicts=True, unique_fields=["external_id"],
                                  update_fields=columns, batch_size=1000)
    ids = dict(Order.objects.filter(external_id__in=list(headers)).values_list("external_id", "pk"))
    stored_lines = {
        (order_id, line_no): (product_id, quantity, price, amount)
        for order_id, line_no, product_id, quantity, price, amount in OrderLine.objects.filter(
            order_id__in=ids.values()
        ).values_list("order_id", "line_no", "product_id", "quantity", "price", "amount")
    }
    lines, touched = [], set()
    for position, row_key, order_key, line in known:
        old = stored_lines.get((ids[order_key], line["line_no"]))
        new = (line["product_id"], line["quantity"], line["price"], line["amount"])
        if old == new and order_key not in changed_orders:
            results.append(RowResult(position, row_key, UNCHANGED))
            continue
        results.append(RowResult(position, row_key, CREATED if order_key not in stored or old is None else UPDATED))
        if old != new:
            lines.append(OrderLine(order_id=ids[order_key], **line))
        touched.add(ids[order_key])
    if lines:
        OrderLine.objects.bulk_create(
            lines, update_conflicts=True, unique_fields=["order", "line_no"],
            update_fields=["product", "quantity", "price", "amount"], batch_size=2000,
        )
    if touched:
        sums = OrderLine.objects.filter(order=OuterRef("pk")).values("order").annotate(sum=Sum("amount")).values("sum")
        Order.objects.filter(pk__in=touched).update(total=Coalesce(Subquery(sums), Decimal("0")))
        customers_ordered(
            Order.objects.filter(pk__in=touched, status__in=EFFECTIVE_STATUSES).values_list("customer_id", flat=True)
        )
        totals.refresh(
            [*Order.objects.filter(pk__in=touched).values_list("customer_id", flat=True),
             *(stored[order_key]["customer_id"] for order_key in changed_orders if order_key in stored)]
        )
    return _finish(actor, "orders", results)
