"""Helper of bench/dashboard.sh: a session cookie for the provincial reviewer, who sees all twenty agencies.

DATABASE_URL=... .venv/bin/python bench/dashboard_session.py   → prints `sessionid=...`
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> int:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore

    user = get_user_model().objects.get(username=os.environ.get("BENCH_USER", "demo-tinh"))
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    print(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
