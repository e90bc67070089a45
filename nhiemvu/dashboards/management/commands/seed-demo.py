"""`nhiemvu seed-demo`: Django names a command after its module, and imports this one by file name."""

from __future__ import annotations

from .seed_demo import Command

__all__ = ["Command"]
