import pytest

from crm.charts.tests.data import make_chart_data


@pytest.fixture
def chart_data(sales):
    return make_chart_data(sales)
