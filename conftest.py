"""Fixtures for the whole suite: users with roles, departments, a browser on Debian's Chromium."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")



def _transactional(item) -> bool:
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    return bool(marker and marker.kwargs.get("transaction")) or "live_server" in fixtures or (
        "transactional_db" in fixtures
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Transactional tests (the browser tests) run after all the others, whatever else reordered
    them (pytest groups tests by session-scoped parameters such as the browser): each one ends
    with a flush that empties the picklists the migrations seeded, which plain tests read."""
    items.sort(key=_transactional)


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1366, "height": 860},
    }


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached settings (pools, rules) belong to one test's data."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def org(db):
    """A small organisation: 总公司 > 华东大区 > 上海分公司 > 销售一部, and 华南大区 > 深圳分公司."""
    from crm.testing import build_org

    return build_org()


@pytest.fixture
def make_user(db):
    from crm.testing import make_user as factory

    return factory


@pytest.fixture
def admin_user(make_user, org):
    return make_user("admin1", role="admin", department=org.head)


@pytest.fixture
def seeded(db):
    """The customers app's picklists and settings."""
    from crm.customers.seeding import seed_all

    seed_all()


@pytest.fixture
def sales(org, make_user, seeded):
    """A supervisor over 上海分公司 (the managers' superior), two managers in 销售一部, one in 深圳, an executive."""

    class Sales:
        supervisor = make_user("sup", role="supervisor", department=org.shanghai, name="张主管")
        manager = make_user("mgr", role="manager", department=org.sales1, name="刘洋")
        colleague = make_user("mgr_b", role="manager", department=org.sales1, name="周杰")
        other = make_user("mgr_sz", role="manager", department=org.sales2, name="陈静")
        executive = make_user("exec", role="executive", department=org.head, name="李总")

    for member in (Sales.manager, Sales.colleague):
        member.superior = Sales.supervisor
        member.save(update_fields=["superior"])
    return Sales
