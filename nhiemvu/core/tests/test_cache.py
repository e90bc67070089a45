"""The shared cache (CACHE_URL): Django's Redis cache keeping one client per pool (core/cache.py)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from nhiemvu.core.cache import RedisCache
from nhiemvu.testing import REDIS_TEST_URL, redis_prefix


@pytest.fixture
def shared() -> Iterator[RedisCache]:
    with redis_prefix() as prefix:
        yield RedisCache(REDIS_TEST_URL, {"KEY_PREFIX": prefix})


def test_one_client_serves_every_operation_and_thread(shared: RedisCache) -> None:
    shared.set("a", {"figure": "8.650"}, 60)
    client = shared._cache.get_client()
    errors: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(50):
                shared.set(f"k{n}-{i}", i, 60)
                assert shared.get(f"k{n}-{i}") == i
            assert shared.incr("counter") > 0
        except BaseException as exc:  # reported by the main thread
            errors.append(exc)

    shared.set("counter", 0, 60)
    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert shared.get("counter") == 8
    assert shared.get("a") == {"figure": "8.650"}
    assert shared.get_many(["a", "missing"]) == {"a": {"figure": "8.650"}}
    assert shared.delete("a") and shared.get("a") is None
    # Every operation above, from every thread, went through the one client kept for the pool.
    assert shared._cache.get_client(write=True) is client
    assert list(shared._cache._clients) == [0]  # type: ignore[attr-defined]
