import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The system settings and login lockout counters live in the cache: start clean."""
    cache.clear()
    yield
    cache.clear()
