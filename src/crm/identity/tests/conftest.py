import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login lockout counts and API throttles live in the cache: every test starts clean."""
    cache.clear()
    yield
    cache.clear()
