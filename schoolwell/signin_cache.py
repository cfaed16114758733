"""The cache behind sign-in: allauth's rate-limit counters and its used-TOTP-code markers.

Both live in the shared cache (Redis in production) so every process counts together. When
that cache fails, a sign-in must still work and still be limited: the calls fall back to
this process's memory (each process then limits on its own), and after RETRY_SECONDS the
shared cache is tried again. A cache that stops answering costs one socket timeout per
RETRY_SECONDS, not one per call.

allauth reads `cache` from its modules' globals and has no setting for another one, so
SchoolwellConfig.ready() installs this object there (tests/schoolwell/test_signin_limits.py
fails if an allauth upgrade moves them).
"""

import logging
import time
from typing import Any

from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

RETRY_SECONDS = 30
CACHE_ERRORS = (RedisError, OSError)
clock = time.monotonic


class FallbackCache:
    def __init__(self, alias: str = "default") -> None:
        self.alias = alias
        self.local = LocMemCache("schoolwell-signin-fallback", {"OPTIONS": {"MAX_ENTRIES": 10000}})
        self.shared_down_until = 0.0

    def reset(self) -> None:
        self.local.clear()
        self.shared_down_until = 0.0

    def _call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        if clock() >= self.shared_down_until:
            try:
                return getattr(caches[self.alias], method)(*args, **kwargs)
            except CACHE_ERRORS as error:
                self.shared_down_until = clock() + RETRY_SECONDS
                logger.warning(
                    "The shared cache failed (%s); sign-in limits count in this process "
                    "only for the next %d s",
                    type(error).__name__,
                    RETRY_SECONDS,
                )
        return getattr(self.local, method)(*args, **kwargs)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> bool:
        return self._call("add", key, value, timeout=timeout)

    def get(self, key: str, default: Any = None) -> Any:
        return self._call("get", key, default)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT) -> None:
        self._call("set", key, value, timeout=timeout)

    def delete(self, key: str) -> bool:
        return self._call("delete", key)


signin_cache = FallbackCache()


def install() -> None:
    from allauth.core.internal import ratelimit
    from allauth.mfa.totp.internal import auth as totp

    ratelimit.cache = signin_cache
    totp.cache = signin_cache
