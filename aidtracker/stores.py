"""The shared store: with REDIS_URL set, Redis holds the page cache and the request counts of
every process and container, so they act as one site.

Redis holds nothing that cannot be lost: pages are rebuilt from the database, and counts start
again. While it cannot be reached, pages are served uncached and each process counts requests
on its own (aidtracker/limits.py); both go back to Redis by themselves when it answers again.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis import RedisError

logger = logging.getLogger(__name__)

# This process's view of Redis: False once a command failed, until one succeeds. It only decides
# what is logged: each command tries Redis afresh.
reachable = True


def report_failure(error: RedisError) -> None:
    """Log the first failure of a run of them: under load, every request would repeat it."""
    global reachable
    if reachable:
        logger.warning(
            "Redis cannot be reached (%s): pages are served uncached and request limits are "
            "counted by each process until it answers again.",
            error,
        )
    reachable = False


def report_success() -> None:
    global reachable
    if not reachable:
        logger.warning("Redis answers again: pages are cached and requests counted in it.")
    reachable = True


@contextmanager
def tolerated() -> Iterator[None]:
    """Run a command on Redis; a failure is logged, not raised."""
    try:
        yield
    except RedisError as error:
        report_failure(error)
    else:
        report_success()


class PageCache(RedisCache):
    """Django's Redis cache for answers that can be rebuilt: while Redis cannot be reached, reads
    miss and writes are dropped, so a page never fails because of it."""

    def get(self, key, default=None, version=None):
        with tolerated():
            return super().get(key, default, version)
        return default

    def get_many(self, keys, version=None):
        with tolerated():
            return super().get_many(keys, version)
        return {}

    def has_key(self, key, version=None):
        with tolerated():
            return super().has_key(key, version)
        return False

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with tolerated():
            super().set(key, value, timeout, version)

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        with tolerated():
            return super().add(key, value, timeout, version)
        return False

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        with tolerated():
            return super().set_many(data, timeout, version)
        return list(data)

    def delete(self, key, version=None):
        with tolerated():
            return super().delete(key, version)
        return False
