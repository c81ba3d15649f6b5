"""Demo commissions (`crm demo`): the administrator's rules (payments received and won amount,
tiered by attainment; a bonus on IoT products' share of payments) and the last two months
calculated: the one before last reviewed and locked, the last a draft. Idempotent: loaded once."""

from django.utils import timezone

from crm.core.demo import DemoLoader, register_demo
from crm.identity.models import User
from crm.orders.models import Product
from crm.salesadmin.models import CommissionRule
from crm.salesadmin.periods import add_months
from crm.salesadmin.services.commissions import month_calculate, month_lock, month_review, rule_save

RULES = [
    {"name": "回款提成", "basis": "received",
     "tiers": [{"from": "0", "rate": "2"}, {"from": "80", "rate": "3"}, {"from": "100", "rate": "5"}]},
    {"name": "成交提成", "basis": "won", "tiers": [{"from": "0", "rate": "0.5"}, {"from": "100", "rate": "1"}]},
    {"name": "物联网产品回款奖励", "basis": "received", "category": "物联网", "tiers": [{"from": "0", "rate": "1"}]},
]


def load(log) -> None:
    if CommissionRule.objects.exists():
        log("salesadmin commissions: already loaded")
        return
    admin = User.objects.filter(username="admin").first()
    if admin is None:
        log("salesadmin commissions: no demo users; skipped")
        return
    categories = set(Product.objects.values_list("category", flat=True))
    for data in RULES:
        if not data.get("category") or data["category"] in categories:
            rule_save(actor=admin, data=data)
    last = add_months(timezone.localdate().replace(day=1), -1)
    before = add_months(last, -1)
    month_calculate(actor=admin, month=before)
    month_review(actor=admin, month=before)
    month_lock(actor=admin, month=before)
    month_calculate(actor=admin, month=last)
    log("salesadmin commissions: rules, a locked month and a draft month")


register_demo(DemoLoader(key="salesadmin_commissions", load=load, order=61))  # after the targets
