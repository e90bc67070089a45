"""`nhiemvu expire-imports`: Django names a command after its module, and imports this one by file name."""

from __future__ import annotations

from .expire_imports import Command

__all__ = ["Command"]
