"""Benchmark data of quote-to-cash (issue 16 §7): 200,000 contracts at scale 1 (one customer in
five), two payment instalments and three receipts each (1,000,000 payment records), and approvals:
one contract in twenty is in approval with the executive persona's task waiting, one in four was
approved by that persona. Written by set-based SQL (a series joined to the customers).

    python -m bench.contracts       # (re)make only these rows of the data set in CRM_DATABASE_URL
"""

import datetime
import json
import time

from django.db import connection

from bench.orders import _days_before, _series

CUSTOMERS_PER_CONTRACT = 5
TABLES = ("sales_allocation", "sales_receipt", "sales_paymentplan", "sales_invoice", "approvals_approvaltask",
          "approvals_approvalcc", "approvals_approvallog", "approvals_approval", "approvals_flowstep",
          "approvals_flow", "customers_contract")


def wipe_contracts(log) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(TABLES)} RESTART IDENTITY CASCADE")
        else:
            for table in TABLES:
                cursor.execute(f"DELETE FROM {table}")
    log("removed earlier contracts")


def _json(sql: str) -> str:
    return f"({sql})::jsonb" if connection.vendor == "postgresql" else sql


def _date_plus(date_sql: str, days_sql: str) -> str:
    if connection.vendor == "postgresql":
        return f"({date_sql} + ({days_sql})::int)"
    return f"date({date_sql}, '+' || ({days_sql}) || ' days')"


def generate_contracts(*, customers: int, today: datetime.date, approver: int, log) -> dict[str, int]:
    """`approver`: the user whose inbox the benchmark reads (the executive persona)."""
    started = time.monotonic()
    count = customers // CUSTOMERS_PER_CONTRACT
    now = "CURRENT_TIMESTAMP"
    amount = "(10000 * (1 + s.g % 50))"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_customer_rank")
        cursor.execute(
            "CREATE TEMPORARY TABLE bench_customer_rank AS "
            "SELECT row_number() OVER (ORDER BY id) AS rn, id, name, manager_id FROM customers_customer"
        )
        cursor.execute("CREATE INDEX bench_customer_rank_rn ON bench_customer_rank (rn)")
        # Contract g: every fifth customer; 1 in 20 draft, 1 in 20 in approval (when it has an owner to
        # submit it), 1 in 7 completed, else in force.
        # Received: three quarters, or all of it for one contract in five (the receipts below).
        status = ("CASE WHEN s.g % 20 = 0 THEN 'draft' "
                  "WHEN s.g % 20 = 1 AND c.manager_id IS NOT NULL THEN 'in_approval' "
                  "WHEN s.g % 7 = 0 THEN 'completed' ELSE 'active' END")
        received = f"CASE WHEN s.g % 5 = 0 THEN {amount} ELSE {amount} * 3 / 4 END"
        signed = _days_before(today, "s.g % 700")
        cursor.execute(
            "INSERT INTO customers_contract (id, created_at, updated_at, number, customer_id, title, amount, "
            "signed_on, start_on, end_on, status, owner_id, notes, created_by_id, planned_amount, received_amount, "
            "invoiced_amount, status_reason, has_lines, expiry_reminded, expired_reminded) "
            f"SELECT s.g, {now}, {now}, 'HT' || (1000000 + s.g), c.id, '年度服务合同' || s.g, {amount}, {signed}, "
            f"{signed}, NULL, {status}, c.manager_id, '', c.manager_id, {amount}, {received}, 0, '', "
            f"{_bool(False)}, {_bool(False)}, {_bool(False)} "
            f"FROM {_series(count)} JOIN bench_customer_rank c ON c.rn = 1 + ((s.g - 1) * {CUSTOMERS_PER_CONTRACT}) "
            f"% {int(customers)}"
        )
        # Two instalments of half the amount each, due 30 and 210 days after signing.
        cursor.execute(
            "INSERT INTO sales_paymentplan (id, created_at, updated_at, contract_id, sequence, amount, due_on, "
            "owner_id, notes, received, due_reminded, overdue_reminded, created_by_id) "
            f"SELECT (c.id - 1) * 2 + k.k, {now}, {now}, c.id, k.k, c.amount / 2, "
            f"{_date_plus('c.signed_on', '30 + 180 * (k.k - 1)')}, c.owner_id, '', "
            "CASE WHEN k.k = 1 THEN c.amount / 2 ELSE c.received_amount - c.amount / 2 END, "
            f"{_bool(True)}, {_bool(True)}, c.owner_id "
            "FROM customers_contract c JOIN (SELECT 1 AS k UNION ALL SELECT 2) k ON 1 = 1"
        )
        # Three receipts: two quarters pay instalment 1, the third pays instalment 2 (a quarter, or half).
        cursor.execute(
            "INSERT INTO sales_receipt (id, created_at, updated_at, number, contract_id, amount, received_on, method, "
            "account, reference, notes, over_reason, first_plan_id, status, created_by_id) "
            f"SELECT (c.id - 1) * 3 + r.r, {now}, {now}, 'HK' || ((c.id - 1) * 3 + r.r + 1000000), c.id, "
            "CASE WHEN r.r = 3 THEN c.received_amount - c.amount / 2 ELSE c.amount / 4 END, "
            f"{_date_plus('c.signed_on', '20 * r.r')}, 'transfer', '', '', '', '', NULL, 'confirmed', c.owner_id "
            "FROM customers_contract c JOIN (SELECT 1 AS r UNION ALL SELECT 2 UNION ALL SELECT 3) r ON 1 = 1"
        )
        cursor.execute(
            "INSERT INTO sales_allocation (receipt_id, plan_id, amount) "
            "SELECT r.id, (r.contract_id - 1) * 2 + CASE WHEN (r.id - 1) % 3 = 2 THEN 2 ELSE 1 END, r.amount "
            "FROM sales_receipt r"
        )
        cursor.execute(
            "INSERT INTO approvals_flow (id, created_at, updated_at, document_type, name, is_active, priority, "
            "conditions, on_no_approver, fallback_approver_id, on_self, approved_status, webhook_url, webhook_secret, "
            f"remind_after_hours, version, updated_by_id) VALUES (1, {now}, {now}, 'contract', '合同审批', "
            f"{_bool(True)}, 10, {_json(chr(39) + '[]' + chr(39))}, 'skip', NULL, 'skip', '', '', '', 24, 1, NULL)"
        )
        step = {"position": 1, "name": "审批", "mode": "any", "approvers": [int(approver)], "cc": [], "skipped": ""}
        plan = "'" + json.dumps([step], ensure_ascii=False) + "'"
        # Contracts in approval wait for the approver; one in four of the others was approved by them.
        cursor.execute(
            "INSERT INTO approvals_approval (id, document_type, object_id, flow_id, flow_version, plan, title, amount, "
            "submitter_id, status, current_step, submitted_at, decided_at, snapshot, reason) "
            f"SELECT c.id, 'contract', c.id, 1, 1, {_json(plan)}, c.number || ' ' || c.title, c.amount, c.owner_id, "
            f"CASE WHEN c.status = 'in_approval' THEN 'pending' ELSE 'approved' END, 0, {now}, "
            f"CASE WHEN c.status = 'in_approval' THEN NULL ELSE {now} END, {_json(chr(39) + '{}' + chr(39))}, '' "
            "FROM customers_contract c WHERE c.owner_id IS NOT NULL AND (c.status = 'in_approval' OR c.id % 4 = 0)"
        )
        cursor.execute(
            "INSERT INTO approvals_approvaltask (approval_id, step, seq, approver_id, state, added_by_id, "
            "activated_at, acted_at, comment, reminded_at) "
            f"SELECT a.id, 0, 0, {int(approver)}, CASE WHEN a.status = 'pending' THEN 'pending' ELSE 'approved' END, "
            f"NULL, {now}, a.decided_at, '', NULL FROM approvals_approval a"
        )
        if connection.vendor == "postgresql":  # the rows above named their ids
            for table in ("customers_contract", "sales_paymentplan", "sales_receipt", "approvals_flow",
                          "approvals_approval"):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")
        cursor.execute("DROP TABLE bench_customer_rank")
        for table in TABLES:
            cursor.execute(f"ANALYZE {table}")
        counts = {}
        for table in ("customers_contract", "sales_paymentplan", "sales_receipt", "approvals_approvaltask"):
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
    log(f"  {counts['customers_contract']:,} contracts, {counts['sales_paymentplan']:,} instalments, "
        f"{counts['sales_receipt']:,} receipts, {counts['approvals_approvaltask']:,} approval tasks "
        f"in {time.monotonic() - started:.0f} s")
    return {"contracts": counts["customers_contract"], "payment_plans": counts["sales_paymentplan"],
            "receipts": counts["sales_receipt"], "approval_tasks": counts["approvals_approvaltask"]}


def seed_numbers(customers: int) -> None:
    """The numbering continues after the generated contracts and receipts."""
    from crm.core.models import NumberSequence

    count = customers // CUSTOMERS_PER_CONTRACT
    NumberSequence.objects.update_or_create(key="contract", defaults={"last": 1000000 + count})
    NumberSequence.objects.update_or_create(key="receipt", defaults={"last": 1000000 + 3 * count})


def _bool(value: bool) -> str:
    if connection.vendor == "postgresql":
        return "TRUE" if value else "FALSE"
    return "1" if value else "0"


def main() -> None:
    from bench import env

    env.setup()
    from django.core.management import call_command
    from django.db import transaction

    from bench.context import Context
    from crm.customers.models import Customer

    call_command("migrate", interactive=False, verbosity=0)
    customers = Customer.objects.count()
    approver = Context().user_id("executive")
    with transaction.atomic():
        wipe_contracts(print)
        generate_contracts(customers=customers, today=datetime.date.today(), approver=approver, log=print)
        seed_numbers(customers)


if __name__ == "__main__":
    main()
