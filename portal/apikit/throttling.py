"""A rate limit per API key, through django-ninja's throttling hook (and `hit`, the counter
the hosted Link pages' limits use too).

Counted in Django's cache, one fixed window at a time: `cache.incr` is atomic, so with a shared
cache (REDIS_URL) every process counts against the same limit; with the default local-memory
cache each process keeps its own count. Ninja's own throttles keep a list of timestamps that
concurrent requests read and write back, and keep it on the shared throttle object; this one
needs neither.
"""

from __future__ import annotations

import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

PERIODS = {"second": 1, "minute": 60, "hour": 60 * 60, "day": 24 * 60 * 60}


def parse_rate(rate: str) -> tuple[int, int] | None:
    """ "600/minute" -> (600, 60); an empty rate means no limit. Settings check the format."""
    if not rate:
        return None
    count, period = rate.split("/")
    return int(count), PERIODS[period]


def hit(key: str, limit: tuple[int, int]) -> float | None:
    """Count one use of `key` against `limit` (count, period in seconds), in fixed windows.
    None while within it; past it, the seconds until the window ends."""
    count, period = limit
    now = time.time()
    window = int(now // period)
    key = f"{key}:{period}:{window}"
    cache.add(key, 0, timeout=period + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=period + 1)
        used = 1
    if used <= count:
        return None
    return (window + 1) * period - now


class ApiKeyRateThrottle(BaseThrottle):
    # The wait is asked for right after allow_request, on the same thread, while this object
    # is shared by every request: keep it per thread.
    _state = threading.local()

    def allow_request(self, request: HttpRequest) -> bool:
        self._state.wait = None
        limit = parse_rate(settings.API_RATE_LIMIT)  # read per request: tests change it
        api_key = getattr(request, "auth", None)
        if limit is None or api_key is None:
            return True
        self._state.wait = hit(f"api-rate:{api_key.prefix}", limit)
        return self._state.wait is None

    def wait(self) -> float | None:
        return self._state.wait
