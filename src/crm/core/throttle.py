"""A request budget per key in the shared cache, for pages that answer guesses (the live
duplicate check): "60/min" lets a person type, not a script try ten thousand values."""

import time

from django.core.cache import cache

PERIODS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600, "hour": 3600, "d": 86400, "day": 86400}


def within_rate(key: str, rate: str) -> bool:
    """Count one request for `key`; False once the rate ("N/period") is used up in this period."""
    allowed, _slash, period = rate.partition("/")
    seconds = PERIODS[period]
    bucket = f"crm:rate:{key}:{int(time.time() // seconds)}"
    cache.add(bucket, 0, seconds + 1)
    try:
        used = cache.incr(bucket)
    except ValueError:  # expired between add and incr
        cache.set(bucket, 1, seconds + 1)
        used = 1
    return used <= int(allowed)
