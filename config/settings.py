"""nhiemvu settings: one file, driven by the environment (see .env.example).

Defaults give a working single-machine demo (SQLite, files on local disk, mail to the
console). Production sets DJANGO_ENV=production, DATABASE_URL, SECRET_KEY and ALLOWED_HOSTS.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def _load_dotenv(path: Path) -> None:
    """Read KEY=VALUE lines of a .env file into os.environ without overriding real variables."""
    if not path.is_file():
        return
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


_load_dotenv(BASE_DIR / ".env")


def env_str(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise ImproperlyConfigured(f"Environment variable {name} is required")
    return value


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    lowered = raw.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean (use true/false)")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r} is not an integer") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ENVIRONMENT = env_str("DJANGO_ENV", "development")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={ENVIRONMENT!r} must be development, test or production")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_bool("DEBUG", not PRODUCTION)
if PRODUCTION:
    SECRET_KEY = env_str("SECRET_KEY")
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("django-insecure"):
        raise ImproperlyConfigured("SECRET_KEY must be a long random value in production")
else:
    SECRET_KEY = env_str("SECRET_KEY", "django-insecure-development-only-key-do-not-use-in-production")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "auditlog",
    "nhiemvu.core",
    "nhiemvu.organisations",
    "nhiemvu.plans",
    "nhiemvu.ingest",
    "nhiemvu.reporting",
    "nhiemvu.roadmaps",
    "nhiemvu.cascade",
    "nhiemvu.documents",
    "nhiemvu.reminders",
    "nhiemvu.dashboards",
    "nhiemvu.api",
    "nhiemvu.audit",
    "nhiemvu.signin",
    # Two-factor sign-in (issue 19, item 4): django-otp with its TOTP and static (recovery code) devices.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "nhiemvu.twofactor",
    "nhiemvu.reorganisation",
    "nhiemvu.people",
    "nhiemvu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Early, so that every response (error pages and static files included) carries the policy.
    "csp.middleware.CSPMiddleware",
    # Before anything reads the body: one over MAX_REQUEST_BYTES is refused by its Content-Length.
    "nhiemvu.core.uploads.RequestSizeLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Vietnamese unless the person picked English in the header; never the browser's language.
    "nhiemvu.core.middleware.InterfaceLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Two-factor sign-in (issue 19, item 4): django-otp marks the session verified by a device; then
    # a person with a device is asked for a code, one whose agency requires it is sent to enrol.
    "django_otp.middleware.OTPMiddleware",
    "nhiemvu.twofactor.middleware.TwoFactorMiddleware",
    # Ends a session idle or old past its limits (SESSION_IDLE_SECONDS, SESSION_ABSOLUTE_SECONDS).
    "nhiemvu.core.sessions.SessionLifetimeMiddleware",
    # Signed-in responses are not stored by browsers or proxies (issue 22).
    "nhiemvu.core.middleware.PrivateResponsesMiddleware",
    # After authentication: the audit trail records request.user as the actor of every change,
    # and the socket's address (or a trusted proxy's last hop, FORWARDED_ALLOW_IPS) as where from.
    "nhiemvu.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes requires: it turns a lockout raised during login into its response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.i18n",
    "nhiemvu.core.sessions.session_limits",
    "nhiemvu.organisations.context_processors.nav",
    "nhiemvu.reminders.context_processors.bell",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": _CONTEXT_PROCESSORS,
        },
    },
    # The pages every unit opens at the deadline and the page frame (issue 20): see nhiemvu/core/jinja.py.
    # Their own folder, so that neither engine ever reads the other's templates.
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "jinja"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "nhiemvu.core.jinja.environment",
            "context_processors": [*_CONTEXT_PROCESSORS, "nhiemvu.core.jinja.csrf"],
        },
    },
]

# SQLite file by default so a checkout just works; DATABASE_URL=postgres://... at scale.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'nhiemvu.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60 if PRODUCTION else 0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets the demo's readers and one writer work side by side; IMMEDIATE avoids
    # "database is locked" when a read transaction upgrades to a write.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not SQLite's shared-cache memory database, so that tests with several threads
    # see the same locking (WAL, busy timeout) as the real server instead of "table is locked".
    # One file per process: several test runs in one checkout must not share it.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(DATABASES["default"]["NAME"]).with_suffix(f".test-{os.getpid()}.sqlite3"))
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: this is short queries, many of them. PostgreSQL compiles a query whose
    # estimated cost passes jit_above_cost, and an estimate that counts a subquery per listed row
    # passes it easily: a deputy's plan list (ten plans, 3 ms to run) spent 38 ms compiling at ten
    # years (bench/growth.py). Per connection, so it needs nothing in postgresql.conf.
    _options = DATABASES["default"].setdefault("OPTIONS", {})
    _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background jobs (Huey): reading scans and legacy files, the PDF report, the reminder rounds.
# One machine: a SQLite file beside the database, no extra server (`nhiemvu worker` runs them).
# At scale: TASK_QUEUE_URL=redis://host:6379/2, shared by every app server and worker.
# Under pytest the file is per process, like the test database, so a test run never feeds the
# demo's worker nor another run's.
_default_queue = (
    BASE_DIR
    / "var"
    / (f"tasks.test-{os.getpid()}.sqlite3" if "PYTEST_VERSION" in os.environ else "tasks.sqlite3")
)
TASK_QUEUE_URL = env_str("TASK_QUEUE_URL", f"sqlite:///{_default_queue}")
if TASK_QUEUE_URL.startswith(("redis://", "rediss://", "unix://")):
    _queue: dict = {"huey_class": "huey.RedisHuey", "connection": {"url": TASK_QUEUE_URL}}
elif TASK_QUEUE_URL.startswith("sqlite:///"):
    Path(TASK_QUEUE_URL.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    _queue = {
        "huey_class": "huey.SqliteHuey",
        "connection": {"filename": TASK_QUEUE_URL.removeprefix("sqlite:///")},
    }
else:
    raise ImproperlyConfigured(f"TASK_QUEUE_URL={TASK_QUEUE_URL!r} must be a redis:// or sqlite:/// address")
HUEY = {
    # Several installs (or test runs) may share one Redis: each queue under its own name.
    "name": env_str("TASK_QUEUE_NAME", "nhiemvu"),
    **_queue,
    # Jobs record their outcome in the database (an import's status, a report's file): no results.
    "results": False,
    "immediate": env_bool("TASKS_IMMEDIATE", False),
    "utc": True,
    "consumer": {"workers": env_int("WORKER_THREADS", 2), "worker_type": "thread"},
}
# An import still "being read" with no progress for this long is shown as stalled (the worker
# stopped, or none runs), with a button to try again.
JOB_STALL_SECONDS = env_int("JOB_STALL_SECONDS", 180)
# A report the worker built (a PDF, a provincial report) can be downloaded for this many days.
REPORT_JOB_DAYS = env_int("REPORT_JOB_DAYS", 7)

# Per-process memory by default; several app servers share one Redis (CACHE_URL=redis://host:6379/1)
# so that a costly dashboard is built once for all of them, not once per worker.
CACHE_URL = env_str("CACHE_URL", "")
if CACHE_URL and not CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r} must be a redis:// address or empty")
# Several installs (or test runs) sharing one Redis database keep apart by CACHE_KEY_PREFIX.
CACHES = {
    "default": {
        "BACKEND": "nhiemvu.core.cache.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", ""),
    }
    if CACHE_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
# How long dashboards trust their last look at the data before checking for changes again:
# under a province's afternoon of submissions, every read would otherwise rebuild the page.
DASHBOARD_STAMP_SECONDS = env_int("DASHBOARD_STAMP_SECONDS", 15)
# With a shared cache, what each user may see (worked out from memberships and the organisation
# tree) is kept there until a membership, organisation or official changes, and sessions are read
# from it before the database. Not with the per-process default: a change made in one worker
# would not reach the others, so a revoked membership or a logout could linger there.
ACCESS_SCOPE_CACHE_SECONDS = env_int("ACCESS_SCOPE_CACHE_SECONDS", 3600 if CACHE_URL else 0)
# The bell's unread count, likewise kept in the shared cache until the person's notifications change.
BELL_CACHE_SECONDS = env_int("BELL_CACHE_SECONDS", 300 if CACHE_URL else 0)
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db" if CACHE_URL else "django.contrib.sessions.backends.db"
)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "nhiemvu.core.passwords.VietnameseCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Axes first: it refuses a locked-out username before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "nhiemvu.core.auth_backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "plans:plan-list"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in with the province's directory (issue 19, nhiemvu/signin) ------------------------------
# LDAP/Active Directory (LDAP_SERVER_URI, ...) and OpenID Connect (OIDC_RP_CLIENT_ID, ...), each off
# unless configured; DIRECTORY_GROUP_MAP maps directory groups to organisations and roles (README,
# .env.example). Their backends come after the throttle (axes locks out guessed directory passwords
# too) and after ModelBackend (local accounts still sign in, also while the directory is down).
from nhiemvu.signin.config import directory_settings  # noqa: E402 — needs nothing of Django's setup

_directory = directory_settings(os.environ)
globals().update(_directory.settings)
AUTHENTICATION_BACKENDS += _directory.backends
# --- end of the directory sign-in block ---------------------------------------------------------------

# Vietnamese first, English available; the formats in nhiemvu/formats/ give 1.000,5 and dd/mm/yyyy.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", "Tiếng Việt"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["nhiemvu.formats"]
USE_I18N = True
USE_THOUSAND_SEPARATOR = True
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))

# Local disk by default; several app servers share an S3-compatible bucket instead.
MEDIA_STORAGE = env_str("MEDIA_STORAGE", "local")
if MEDIA_STORAGE not in {"local", "s3"}:
    raise ImproperlyConfigured(f"MEDIA_STORAGE={MEDIA_STORAGE!r} must be local or s3")
_default_storage: dict[str, object] = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
if MEDIA_STORAGE == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID", "") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY", "") or None,
            "region_name": env_str("S3_REGION", "") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# Plans are Word files of a few hundred kB; 20 MB leaves room for scanned annexes.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Each file a unit attaches to a report (minutes, photos, spreadsheets).
MAX_ATTACHMENT_BYTES = env_int("MAX_ATTACHMENT_BYTES", 10 * 1024 * 1024)
# What one report may hold in all (so what one unit can store, reports being bounded by the plan).
MAX_ATTACHMENTS_PER_REPORT = env_int("MAX_ATTACHMENTS_PER_REPORT", 20)
MAX_ATTACHMENT_BYTES_PER_REPORT = env_int("MAX_ATTACHMENT_BYTES_PER_REPORT", 100 * 1024 * 1024)
# How many files a unit may attach in one submission of the report form.
MAX_ATTACHMENTS_PER_REQUEST = env_int("MAX_ATTACHMENTS_PER_REQUEST", 5)
# The whole body of any request: refused by its Content-Length before a byte of it is read (a 413),
# so a 400 MB post costs the server nothing. Room for the largest legitimate request (a plan, or a
# report with its attachments) plus the form fields; the reverse proxy should say the same
# (client_max_body_size in deploy/nginx.conf).
MAX_REQUEST_BYTES = env_int(
    "MAX_REQUEST_BYTES",
    max(MAX_UPLOAD_BYTES, MAX_ATTACHMENTS_PER_REQUEST * MAX_ATTACHMENT_BYTES) + 1024 * 1024,
)
# Form fields and JSON bodies, files not counted: a plan posted as JSON to the API may carry its
# source text, so as much as a plan file.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_UPLOAD_BYTES + 1024 * 1024
# Uploaded files over 1 MB are spooled to a temporary file, not held in memory; the bounded handler
# first stops keeping a file's bytes once it is past the largest file any form accepts.
FILE_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "nhiemvu.core.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Optional virus scan of every upload by ClamAV's daemon: the path of its local socket (clamd's
# LocalSocket), e.g. /run/clamav/clamd.ctl. Unset: no scan. Set but not answering: uploads refused.
CLAMD_SOCKET = env_str("CLAMD_SOCKET", "")
CLAMD_TIMEOUT_SECONDS = env_int("CLAMD_TIMEOUT_SECONDS", 30)
# Reading an uploaded plan runs in a child process with its own budget: a document that inflates
# to a huge tree, or takes long to parse, is refused without holding a server worker for minutes.
EXTRACT_SECONDS = env_int("EXTRACT_SECONDS", 30)
EXTRACT_MEMORY_MB = env_int("EXTRACT_MEMORY_MB", 1024)
# Scans: at most this many pages are recognised in one file (a 500-page scan is refused with a
# clear message), each within OCR_PAGE_SECONDS on top of EXTRACT_SECONDS for the whole job.
OCR_MAX_PAGES = env_int("OCR_MAX_PAGES", 60)
OCR_PAGE_SECONDS = env_int("OCR_PAGE_SECONDS", 60)
# A background read's memory: two pages are recognised at once (bench/ocr.py: 518 MB resident at
# the peak, 261 MB one at a time), and thread arenas reserve more address space than they use.
OCR_MEMORY_MB = env_int("OCR_MEMORY_MB", 2048)

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "nhiemvu <nhiemvu@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# The address people reach the site at: links in reminder e-mails and calendar feeds use it.
NHIEMVU_SITE_URL = env_str("NHIEMVU_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# How long the link in an invitation (a new account's "set your password") stays usable.
INVITATION_DAYS = env_int("INVITATION_DAYS", 7)
# Hour of the day (Asia/Ho_Chi_Minh) from which the daily reminder digest goes out.
REMINDERS_DIGEST_HOUR = env_int("REMINDERS_DIGEST_HOUR", 7)
# `nhiemvu worker` runs a reminder round every this many minutes (a divisor of 60).
REMIND_EVERY_MINUTES = env_int("REMIND_EVERY_MINUTES", 5)
if REMIND_EVERY_MINUTES < 1 or 60 % REMIND_EVERY_MINUTES:
    raise ImproperlyConfigured(f"REMIND_EVERY_MINUTES={REMIND_EVERY_MINUTES} must divide 60")
if not 0 <= REMINDERS_DIGEST_HOUR <= 23:
    raise ImproperlyConfigured(f"REMINDERS_DIGEST_HOUR={REMINDERS_DIGEST_HOUR} must be 0–23")

# Wrong API tokens tolerated from one address within the window before it is refused (429).
API_FAILED_TOKEN_LIMIT = env_int("API_FAILED_TOKEN_LIMIT", 20)
API_FAILED_TOKEN_WINDOW = env_int("API_FAILED_TOKEN_WINDOW", 15 * 60)

# Shared office computers (ASVS V3.3): a session ends after 30 minutes without activity (typing in a
# page counts; the page warns two minutes before) and a working day (8 hours) after sign-in,
# whatever happens.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_IDLE_WARNING_SECONDS = env_int("SESSION_IDLE_WARNING_SECONDS", 2 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 8 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# How stale a session's "last seen" may get before it is written again: one write a minute per user.
SESSION_SEEN_RESOLUTION_SECONDS = env_int("SESSION_SEEN_RESOLUTION_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    # Behind a TLS-terminating reverse proxy that sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # The __Host- prefix: browsers accept these cookies only over HTTPS, for this host alone (no
    # Domain, Path=/), so a neighbouring intranet site cannot set or overwrite them (ASVS 3.4.4).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Intranet host names can't be on the browsers' public preload list; preloading is
        # a decision for the agency's domain owner, so it is opt-in and its warning expected.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

# Login throttling (django-axes). A whole office reaches the site through one proxy address, so
# an address alone must not lock everyone out: lock the pair (username, address) instead.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
# Behind the TLS proxy REMOTE_ADDR is the proxy's own address, so this degrades to "per
# username": still no password guessing, and X-Forwarded-For (which a client can forge) is not
# trusted for it.

# Two-factor sign-in (issue 19, item 4; nhiemvu/twofactor). The name authenticator apps show beside
# the account; after each wrong code a device waits FACTOR × 2^(failures−1) seconds before it checks
# another (django-otp's throttling), so 6 digits cannot be guessed. Superusers can be made to use it
# whatever their agency says (an administrator's account opens every agency's data).
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", "nhiemvu")
OTP_TOTP_THROTTLE_FACTOR = env_int("OTP_THROTTLE_FACTOR", 1)
if OTP_TOTP_THROTTLE_FACTOR < 1:
    raise ImproperlyConfigured(f"OTP_THROTTLE_FACTOR={OTP_TOTP_THROTTLE_FACTOR} must be 1 or more")
OTP_STATIC_THROTTLE_FACTOR = OTP_TOTP_THROTTLE_FACTOR
TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = env_bool("TWO_FACTOR_REQUIRED_FOR_SUPERUSERS", False)
# The admin lists devices without their secrets (an administrator must not be able to copy one).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Content-Security-Policy (django-csp): scripts and styles only from our own static files, so
# an injected <script> or on*= handler never runs even if escaping were ever missed. Data for
# scripts travels in json_script blocks, which are not executed. data: images are the icons
# embedded in the vendored CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Audit trail (django-auditlog): the models are registered in nhiemvu/audit/apps.py. Field
# values are kept as text, before and after, for each create, change and delete.
# Our own entry model (nhiemvu.audit.AuditEntry) adds the owning organisation, so that each
# department's planning-finance division and director see their own trail and no one else's.
AUDITLOG_LOGENTRY_MODEL = "audit.AuditEntry"
# Reverse proxies whose X-Forwarded-For the audit trail believes (as gunicorn's setting of the same name).
FORWARDED_ALLOW_IPS = env_list("FORWARDED_ALLOW_IPS", "")
# auditlog's own migrations create its default table even when swapped out; left empty, that
# table's foreign key to content types breaks PostgreSQL's TRUNCATE (tests' flush). Its only
# model is swapped, so without migrations the app has nothing to create.
MIGRATION_MODULES = {"auditlog": None}
AUDITLOG_INCLUDE_ALL_MODELS = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # axes announces itself and every failed login at INFO; failures are in its own table.
    "loggers": {"pdfminer": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}

# Where `nhiemvu demo` finds the sample plan: the shared corpus beside the checkout.
DEMO_PLAN_PATH = Path(
    env_str("DEMO_PLAN_PATH", str(BASE_DIR.parent / "shared" / "corpus" / "seed" / "lang-son-snn-2023.txt"))
)
