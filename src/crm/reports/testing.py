"""Generated data for the reports' tests (unit and browser): customers of three managers in two
branches, orders of several years and statuses, services of every type in two years, confirmed
and open churn warnings.

Scopes differ: a manager (销售一部) sees their own customers; the supervisor (上海分公司) both
Shanghai managers'; the executive every customer, Shenzhen's too."""

import datetime
from decimal import Decimal

from django.utils import timezone

from crm.churn.models import ChurnWarning
from crm.churn.scan import churn_scan
from crm.churn.services import measure_add, warning_confirm
from crm.customers.testing import make_customer, picklist
from crm.dictionary.models import DictionaryItem
from crm.orders.testing import make_order, make_product
from crm.service.models import Service
from crm.service.services import service_create

SCAN_DAY = datetime.date(2026, 11, 30)


def _at(year: int, month: int = 6) -> datetime.datetime:
    return datetime.datetime(year, month, 15, 10, 0, tzinfo=timezone.get_current_timezone())


def make_report_data(*, sales, admin, agent):
    """`sales` as the root conftest's fixture makes them, an administrator (confirms the churns)
    and a service agent (creates the services). Returns a namespace: the customers by name and
    the people."""
    levels = list(DictionaryItem.objects.filter(category="customer_level").order_by("sort_order", "id"))
    product = make_product()
    people = {
        # name: (manager, level index, credit, satisfaction)
        "上海浦江电子有限公司": (sales.manager, 0, 5, 4),
        "上海浦江机械有限公司": (sales.manager, 1, 4, 4),
        "杭州西湖贸易有限公司": (sales.manager, 0, 3, 2),
        "苏州园林科技有限公司": (sales.colleague, 2, 5, 5),
        "无锡太湖纺织有限公司": (sales.colleague, 0, 2, 3),
        "深圳浦江物流有限公司": (sales.other, 1, 1, 1),
        "深圳南山软件有限公司": (sales.other, 2, 5, 3),
    }
    customers = {}
    for name, (manager, level, credit, satisfaction) in people.items():
        customers[name] = make_customer(
            manager=manager, name=name, level=levels[level % len(levels)], credit=credit, satisfaction=satisfaction,
            region=picklist("region"),
        )

    def order(name, day, price, status=5):
        make_order(customers[name], ordered_on=day, status=status, lines=[(product, "1", price)])

    # Orders of three years; statuses 5 (shipped) and 6 (paid) count, 3 (an ERP status) does not.
    order("上海浦江电子有限公司", datetime.date(2024, 3, 1), "1000.50")
    order("上海浦江电子有限公司", datetime.date(2025, 12, 31), "2000.00", status=6)
    order("上海浦江电子有限公司", datetime.date(2026, 1, 1), "300.25")
    order("上海浦江电子有限公司", datetime.date(2026, 2, 1), "99999.00", status=3)
    order("上海浦江机械有限公司", datetime.date(2025, 6, 1), "450.00")
    order("杭州西湖贸易有限公司", datetime.date(2025, 1, 1), "75.10", status=6)  # warned, then churned
    order("苏州园林科技有限公司", datetime.date(2026, 7, 7), "8800.00")
    order("苏州园林科技有限公司", datetime.date(2024, 7, 7), "1200.00", status=6)
    order("无锡太湖纺织有限公司", datetime.date(2025, 2, 2), "660.00")  # warned, then churned
    order("深圳浦江物流有限公司", datetime.date(2025, 3, 3), "5000.00")  # warned, then churned
    order("深圳南山软件有限公司", datetime.date(2026, 5, 5), "12345.67")
    # 上海浦江机械 has no order in 2026: it shows at 0 that year.

    # Churn: the scan warns of the customers silent for six months; three are confirmed, one stays open.
    churn_scan(today=SCAN_DAY)
    warnings = {w.customer.name: w for w in ChurnWarning.objects.select_related("customer")}
    for name, reason in (
        ("杭州西湖贸易有限公司", "转向竞争对手采购"),
        ("无锡太湖纺织有限公司", "客户停产"),
        ("深圳浦江物流有限公司", "价格原因"),
    ):
        measure_add(actor=admin, warning=warnings[name], text="电话回访，赠送优惠券")
        warning_confirm(actor=admin, warning=warnings[name], reason=reason)

    # Services of every type, created in 2025 and 2026, by a service agent (who sees every customer).
    types = list(DictionaryItem.objects.filter(category="service_type").order_by("sort_order", "id"))
    plan = [
        ("上海浦江电子有限公司", 0, 2025), ("上海浦江电子有限公司", 2, 2026), ("上海浦江机械有限公司", 1, 2026),
        ("杭州西湖贸易有限公司", 2, 2026), ("苏州园林科技有限公司", 0, 2026), ("苏州园林科技有限公司", 0, 2025),
        ("无锡太湖纺织有限公司", 1, 2025), ("深圳浦江物流有限公司", 2, 2026), ("深圳南山软件有限公司", 0, 2026),
        ("深圳南山软件有限公司", 1, 2025),
    ]
    for name, kind, year in plan:
        service = service_create(
            actor=agent, customer=customers[name],
            data={"type": types[kind % len(types)], "summary": "设备咨询", "request": "客户来电咨询设备使用问题。"},
        )
        Service.objects.filter(pk=service.pk).update(created_at=_at(year))
    # One Shenzhen service assigned to the Shanghai manager: in their scope through the assignee.
    far = Service.objects.filter(customer=customers["深圳南山软件有限公司"]).order_by("id").first()
    Service.objects.filter(pk=far.pk).update(assignee=sales.manager)

    class Data:
        pass

    Data.customers = customers
    Data.agent = agent
    Data.admin = admin
    Data.sales = sales
    Data.zero = Decimal("0.00")
    return Data
