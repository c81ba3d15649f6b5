"""The churn demo warns of the demo customers gone quiet, suspends one warning, fits the model; once."""

from crm.churn.demo import load
from crm.churn.models import ChurnWarning, CustomerValue, WarningState
from crm.customers.testing import make_customer
from crm.orders.demo import load as load_orders


def test_demo_churn_after_the_demo_orders(sales):
    for index in range(35):
        make_customer(manager=sales.manager if index % 2 else sales.colleague, name=f"演示客户{index}有限公司")
    lines = []
    load_orders(lines.append)
    load(lines.append)
    assert ChurnWarning.objects.filter(state=WarningState.OPEN).exists()
    assert ChurnWarning.objects.filter(state=WarningState.SUSPENDED).count() == 1
    assert CustomerValue.objects.count() == 35
    count = ChurnWarning.objects.count()
    load(lines.append)
    assert ChurnWarning.objects.count() == count and lines[-1] == "churn: already loaded"
