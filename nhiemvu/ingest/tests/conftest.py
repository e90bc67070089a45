"""Fixtures of the import tests: files go to a temporary media root, gold plans are loaded by name."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> Path:
    # Committed imports store their source file; keep the checkout's var/media clean.
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def gold(shared_dir: Path) -> Callable[[str], dict[str, Any]]:
    """Load a gold plan JSON of the corpus by its stem: gold("seed/lang-son-snn-2023")."""

    def load(stem: str) -> dict[str, Any]:
        return json.loads((shared_dir / "corpus" / f"{stem}.gold.json").read_text(encoding="utf-8"))

    return load


@pytest.fixture
def seed_gold(gold: Callable[[str], dict[str, Any]]) -> dict[str, Any]:
    return gold("seed/lang-son-snn-2023")
