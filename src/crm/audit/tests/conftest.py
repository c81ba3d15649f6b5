import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Login lockout counters and the cached record types live in the cache: start clean."""
    cache.clear()
    yield
    cache.clear()
