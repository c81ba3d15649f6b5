"""Demo churn (`crm demo`): after the demo orders, the scan warns of the customers gone quiet, a
manager has suspended one warning with a measure, and the customer value model is fitted, so the
churn pages and the workbench panel have something to show."""

from crm.churn.models import ChurnWarning
from crm.churn.scan import churn_scan
from crm.churn.services import measure_add
from crm.churn.value import value_refresh
from crm.core.demo import DemoLoader, register_demo

MEASURE = "电话拜访采购负责人，了解到预算推迟到下季度，已约定月底再次回访。"


def load(log) -> None:
    if ChurnWarning.objects.exists():
        log("churn: already loaded")
        return
    result = churn_scan()
    warning = ChurnWarning.objects.filter(customer__manager__isnull=False).select_related("customer__manager").first()
    if warning is not None:
        measure_add(actor=warning.customer.manager, warning=warning, text=MEASURE)
    fitted = value_refresh()
    log(f"churn: {result['warned']} warnings; customer value {'fitted' if fitted['fitted'] else 'not fitted'} "
        f"on {fitted['customers']} customers")


register_demo(DemoLoader(key="churn", load=load, order=47))  # after the orders
