import pytest


@pytest.fixture
def agent(make_user, org):
    """A service agent 客服: reads published articles, writes drafts."""
    return make_user("kf", role="service", department=org.head, name="王客服")


@pytest.fixture
def marketer(make_user, org):
    """A marketing user: reads published articles only."""
    return make_user("mkt", role="marketing", department=org.head, name="孙丽")


@pytest.fixture
def outsider(make_user, org):
    """A user without any role: no knowledge-base function at all."""
    return make_user("nobody", department=org.head, name="赵六")
