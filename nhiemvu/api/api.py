"""The REST API at /api/v1/: the web's services and selectors, with the web's permission rules."""

from __future__ import annotations

from ninja import NinjaAPI
from ninja.renderers import JSONRenderer

from . import errors
from .auth import TokenAuth
from .docs import OfflineSwagger
from .routers import notifications, organisations, plans, reporting, tasks

DESCRIPTION = """
The key-task plan tracker for provincial systems (document management, the national reporting system).

**Authentication**: `Authorization: Bearer nv_<prefix>_<secret>`. Each user makes and revokes
their own tokens at `/account/tokens/`; a read-only token gets `403 token_read_only` on writes.

**Errors** are always `{"code", "message" (Vietnamese), "message_en", "details"}`. `code` is stable.
Anything outside your scope is `404 not_found`, the same answer as an id that does not exist.

**Lists** take `?page=&page_size=` (at most 100) and answer `{count, next, previous, results}`.
"""


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese as UTF-8 text (`"Sở"`), not `\\u` escapes: a third of the bytes, and readable in logs."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    renderer=Utf8JSONRenderer(),
    title="nhiemvu API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=TokenAuth(),
    docs=OfflineSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
api.add_router("", organisations.router)
api.add_router("", plans.router)
api.add_router("", tasks.router)
api.add_router("", reporting.router)
api.add_router("", notifications.router)
