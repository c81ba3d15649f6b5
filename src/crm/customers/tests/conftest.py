"""Fixtures of the customers app's tests: the seeded picklists and a few salespeople."""

import pytest

from crm.customers.seeding import seed_all


@pytest.fixture
def seeded(db):
    seed_all()


@pytest.fixture
def sales(org, make_user, seeded):
    """A supervisor over 上海分公司 and two managers in 销售一部, one manager in 深圳."""

    class Sales:
        supervisor = make_user("sup", role="supervisor", department=org.shanghai, name="张主管")
        manager = make_user("mgr", role="manager", department=org.sales1, name="刘洋")
        colleague = make_user("mgr_b", role="manager", department=org.sales1, name="周杰")
        other = make_user("mgr_sz", role="manager", department=org.sales2, name="陈静")
        executive = make_user("exec", role="executive", department=org.head, name="李总")

    Sales.manager.superior = Sales.supervisor
    Sales.manager.save()
    Sales.colleague.superior = Sales.supervisor
    Sales.colleague.save()
    return Sales
