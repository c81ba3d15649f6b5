"""Browser-test helpers: log in through the login page as a person would."""

import pytest


@pytest.fixture
def login(page, live_server):
    def _login(username: str, password: str = "crm-demo"):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.get_by_role("button", name="登录").click()
        page.wait_for_load_state("networkidle")
        return page

    return _login


@pytest.fixture(autouse=True)
def dictionary_seeds(request):
    """Transactional tests flush the database between tests, data migrations' rows included."""
    if "transactional_db" not in request.fixturenames and "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")
    from crm.customers.seeding import seed_all

    seed_all()


@pytest.fixture
def demo_company(transactional_db):
    """The demo organisation and logins (crm demo's organisation loader; not its 2,000 customers)."""
    from crm.core.demo import loaders

    for loader in loaders():
        if loader.key == "identity":
            loader.load(lambda text: None)
