import pytest


@pytest.fixture
def outsider(make_user, org):
    """A marketing user: the built-in 市场 role has no competitor functions."""
    return make_user("mkt", role="marketing", department=org.head, name="孙丽")
