"""Django's Redis cache, with one Redis client per process instead of one per cache call.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` around the shared connection pool on every
``get``, ``set`` or ``get_many``; building it costs about as much as the round trip to Redis, and a page served
from the page cache makes two such calls (docs/performance.md). The client is safe to share between threads
and, like the pool, notices a fork, so one made once per pool does the same work for less.
"""

import logging

from django.core.cache.backends import redis as django_redis
from django.core.cache.backends.base import DEFAULT_TIMEOUT

logger = logging.getLogger(__name__)


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


class FragmentCache(RedisCache):
    """The same Redis for template fragments (``{% cache ... using="fragments" %}``), where a Redis that is away
    or slow is a miss, not an error: Django's ``{% cache %}`` tag has no error handling of its own, and a fragment
    only saves work. The default cache keeps raising, for ``/health/`` and the rate limits."""

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except Exception:
            logger.warning("Fragment cache unavailable; rendering %s afresh", key, exc_info=True)
            return default

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            super().set(key, value, timeout, version)
        except Exception:
            logger.warning("Fragment cache unavailable; %s not kept", key, exc_info=True)
