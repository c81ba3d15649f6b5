import pytest

from crm.reports.testing import make_report_data


@pytest.fixture
def report_data(sales, admin_user, make_user, org):
    """The reports' generated data (crm.reports.testing) and its people."""
    agent = make_user("agent", role="service", department=org.head, name="王客服")
    return make_report_data(sales=sales, admin=admin_user, agent=agent)


@pytest.fixture
def sales_data(report_data):
    """The sales reports' data (crm.reports.testing_sales) on top of the four reports'."""
    from crm.reports.testing_sales import make_sales_data

    return make_sales_data(report_data)
