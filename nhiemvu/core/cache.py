# django-stubs leave out the client's private attributes this subclass builds on.
# mypy: disable-error-code="attr-defined"
"""Django's Redis cache, keeping one Redis client per connection pool (issue 20).

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation, and
redis-py's constructor sets up some 170 response callbacks: about 0.13 ms of CPU, as much as the
GET itself, several times a request (the session, the access scope, the dashboards' stamp). A
`redis.Redis` over a connection pool is safe to share between threads, so one is kept per pool.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:  # two threads may both build one: the second simply replaces the first
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server: Any, params: Any) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient
