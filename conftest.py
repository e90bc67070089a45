"""Project-wide pytest fixtures: the cast of users, the shared corpus, browser helpers."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parent.parent / "shared"


@pytest.fixture
def cast(db):
    """The fixed cast of organisations and users (see nhiemvu.testing.build_cast)."""
    # Imported here so that `-p no:django` runs of the pure-Python parts never load models.
    from nhiemvu.testing import build_cast

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
    if not config.pluginmanager.hasplugin("django"):
        return  # `-p no:django`: the pure-Python parts run without settings
    from django.conf import settings

    # The cast logs in a lot; PBKDF2 at production strength would dominate the suite's time.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.WHITENOISE_AUTOREFRESH = True


ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (Playwright's own browser download is not available here)."""
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; the live server's ORM calls
    # happen in their own thread, the test's own ORM calls here are synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh page on the live server, in a Vietnamese-locale browser unless a test parametrizes
    `page` indirectly with another locale; a screenshot of the last state lands in artifacts/."""
    context = browser.new_context(
        locale=getattr(request, "param", "vi-VN"),
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    context.close()


@pytest.fixture(autouse=True)
def _default_language():
    """Start and end every test in Vietnamese: a request switched to English leaves the test
    thread's active language behind, which would make later tests depend on the order they run in."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _empty_job_queue():
    """Each test starts with an empty background queue (Huey's, per test process): a job an
    earlier test left queued would otherwise run in this one, against rows with the same ids."""
    if "huey.contrib.djhuey" in sys.modules:  # nothing was queued before a job module was loaded
        sys.modules["huey.contrib.djhuey"].HUEY.flush()
    yield


def pytest_unconfigure(config: pytest.Config) -> None:
    """The per-process queue file goes with the test run, as the test database does."""
    from django.conf import settings

    if (
        settings.configured
        and settings.TASK_QUEUE_URL.startswith("sqlite:///")
        and ".test-" in settings.TASK_QUEUE_URL
    ):
        for suffix in ("", "-wal", "-shm"):
            Path(settings.TASK_QUEUE_URL.removeprefix("sqlite:///") + suffix).unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: a dashboard cached by an earlier test (whose rows may
    have had the same ids) must never answer for this one."""
    from django.conf import settings

    if not settings.configured:
        yield
        return
    from django.core.cache import cache

    cache.clear()
    yield
