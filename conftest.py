"""Project-wide pytest fixtures: the cast of users, the shared corpus, browser helpers."""

from __future__ import annotations

from pathlib import Path

import pytest

from nhiemvu.core.testing import Cast, build_cast

SHARED = Path(__file__).resolve().parent.parent / "shared"


@pytest.fixture
def cast(db) -> Cast:
    return build_cast()


@pytest.fixture
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip(f"the shared corpus is not beside the checkout ({SHARED})")
    return SHARED


@pytest.fixture
def seed_plan_path(shared_dir: Path) -> Path:
    return shared_dir / "corpus" / "seed" / "lang-son-snn-2023.txt"


def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    # The cast logs in a lot; PBKDF2 at production strength would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True
