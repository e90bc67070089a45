"""`?page=&page_size=` on every list, answered as `{count, next, previous, results}`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.http import urlencode

from .schemas import PageQuery

R = TypeVar("R")


def _page_url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{urlencode(sorted(query.lists()), doseq=True)}")


def paginate(
    request: HttpRequest,
    items: QuerySet[Any] | Sequence[Any],
    params: PageQuery,
    build: Callable[[list[Any]], list[R]],
) -> dict[str, Any]:
    """Slice one page (one COUNT and one SELECT for a queryset) and build only that page's rows.

    A page past the end is an empty page, not an error: a client polling a shrinking list
    should not see a 404.
    """
    count = items.count() if isinstance(items, QuerySet) else len(items)
    start = (params.page - 1) * params.page_size
    rows = list(items[start : start + params.page_size]) if start < count else []
    last = max(1, -(-count // params.page_size))
    return {
        "count": count,
        "next": _page_url(request, params.page + 1) if params.page < last else None,
        "previous": _page_url(request, min(params.page - 1, last)) if params.page > 1 else None,
        "results": build(rows),
    }
