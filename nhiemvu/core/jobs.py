"""What every background job (Huey, `nhiemvu worker`) needs around it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.db import close_old_connections, connection

F = TypeVar("F", bound=Callable[..., Any])


def fresh_connections(job: F) -> F:
    """Run ``job`` with database connections the server has not closed meanwhile: a worker lives
    for weeks, and PostgreSQL restarts. Never inside a caller's transaction (a test drains the queue
    inside its own), where closing would end it."""

    @wraps(job)
    def run(*args: Any, **kwargs: Any) -> Any:
        if not connection.in_atomic_block:
            close_old_connections()
        try:
            return job(*args, **kwargs)
        finally:
            if not connection.in_atomic_block:
                close_old_connections()

    return run  # type: ignore[return-value]
