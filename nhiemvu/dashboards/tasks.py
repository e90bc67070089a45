"""Background jobs of the dashboards, run by `nhiemvu worker`: the rebuild of a stale page (defined
beside the cache it refreshes, `caching`, which queues it; imported here for the worker to find)."""

from __future__ import annotations

from .caching import rebuild_queued

__all__ = ["rebuild_queued"]
