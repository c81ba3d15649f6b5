"""Benchmark data of customer service (issue 14): one service per customer (1,000,000 at scale
1) across the statuses as in a working company (most archived), one handling round for each
handled or archived service and a second for a tenth of the archived (a dissatisfied customer
sent it back). Written in blocks with bulk inserts; creation dates spread over three years
afterwards with one UPDATE (the model stamps them with the time of the insert)."""

import datetime
import random

from django.db import connection

SERVICES_PER_CUSTOMER = 1.0
BATCH = 5000
SPREAD_DAYS = 3 * 365
SUMMARIES = (
    "设备故障", "系统无法登录", "发票开具咨询", "数据导入乱码",
    "产品使用建议", "送货延迟投诉", "账号权限申请", "报表导出问题",
)
HANDLINGS = ("远程协助解决", "上门检修更换配件", "电话指导操作", "补发配件")


def wipe_services(log) -> None:
    from crm.service.models import Service, ServiceRound

    tables = [ServiceRound._meta.db_table, Service._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE")
        else:
            for table in tables:
                cursor.execute(f"DELETE FROM {table}")
    log("removed earlier services")


def generate_services(*, customers: int, seed: int, today: datetime.date, log) -> dict[str, int]:
    from django.utils import timezone

    from crm.core.numbering import next_numbers
    from crm.customers.models import Customer
    from crm.dictionary.models import DictionaryItem
    from crm.service.models import Service, ServiceRound, ServiceStatus

    rng = random.Random(seed + 14)
    types = list(DictionaryItem.objects.filter(category="service_type").values_list("pk", flat=True))
    count = round(customers * SERVICES_PER_CUSTOMER)
    numbers = iter(next_numbers("service", "FW", count))
    now = timezone.now()
    made = rounds_made = last = 0
    owned = Customer.objects.filter(manager__isnull=False).order_by("pk").values_list("pk", "name", "manager_id")
    while made < count:
        block = list(owned.filter(pk__gt=last)[:BATCH])  # keyset: no OFFSET over a million rows
        if not block:
            break
        last = block[-1][0]
        services = []
        for customer_id, name, manager_id in block[: count - made]:
            roll = rng.random()
            status = (
                ServiceStatus.NEW if roll < 0.1
                else ServiceStatus.ASSIGNED if roll < 0.3
                else ServiceStatus.HANDLED if roll < 0.4
                else ServiceStatus.ARCHIVED
            )
            handled = status in (ServiceStatus.HANDLED, ServiceStatus.ARCHIVED)
            satisfaction = rng.choice((3, 4, 5, 5)) if status == ServiceStatus.ARCHIVED else None
            services.append(
                Service(
                    number=next(numbers),
                    type_id=rng.choice(types),
                    summary=f"{rng.choice(SUMMARIES)}（{name[:12]}）",
                    customer_id=customer_id,
                    request="客户来电反映问题，请尽快处理。",
                    status=status,
                    created_by_id=manager_id,
                    assignee_id=None if status == ServiceStatus.NEW else manager_id,
                    assigned_at=None if status == ServiceStatus.NEW else now,
                    handling=rng.choice(HANDLINGS) if handled else "",
                    handled_by_id=manager_id if handled else None,
                    handled_at=now if handled else None,
                    result="问题已解决" if satisfaction else "",
                    satisfaction=satisfaction,
                    feedback_at=now if satisfaction else None,
                    archived_at=now if satisfaction else None,
                )
            )
        Service.objects.bulk_create(services, batch_size=BATCH)
        rounds = []
        for service in services:
            if service.handled_at is None:
                continue
            rounds.append(_round(service, 1, satisfied=service.satisfaction))
            if service.satisfaction and rng.random() < 0.1:
                rounds[-1].satisfaction, rounds[-1].result = 2, "未解决"
                rounds.append(_round(service, 2, satisfied=service.satisfaction))
        ServiceRound.objects.bulk_create(rounds, batch_size=BATCH)
        made += len(services)
        rounds_made += len(rounds)
    _spread_dates(Service._meta.db_table)
    log(f"  {made:,} services, {rounds_made:,} rounds")
    return {"services": made, "service_rounds": rounds_made}


def _round(service, sequence: int, *, satisfied):
    from crm.service.models import ServiceRound

    return ServiceRound(
        service_id=service.pk,
        sequence=sequence,
        handling=service.handling,
        handled_by_id=service.handled_by_id,
        handled_at=service.handled_at,
        result=service.result,
        satisfaction=satisfied,
        feedback_by_id=service.created_by_id if satisfied else None,
        feedback_at=service.feedback_at,
    )


def _spread_dates(table: str) -> None:
    """Creation dates over the last three years, the same for the same id (set-based)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} SET created_at = created_at - ((id * 7919) % {SPREAD_DAYS}) * interval '1 day'"
            )
        else:
            cursor.execute(
                f"UPDATE {table} SET created_at = datetime(created_at, '-' || ((id * 7919) % {SPREAD_DAYS}) || ' days')"
            )
