"""Dashboard pages: the overview, a leader's and a unit's view, the list behind each number, a health check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import AccessScope, User, access_scope
from nhiemvu.reporting.status import TaskStatus

from . import caching, selectors
from .selectors import Filters, PageScope

LIST_PAGE_SIZE = 100
GROUPS_SHOWN = 25


def _render(request: HttpRequest, page: PageScope) -> HttpResponse:
    """The page around a cached body (`caching`): the body, the costly part at a province's size,
    is rendered once per data stamp, scope, filters, day and language; the frame (navigation,
    CSRF token, messages) every time."""
    scope = access_scope(request.user)
    filters = Filters.from_query(request.GET)
    today = timezone.localdate()
    language = get_language()
    stamp = caching.data_stamp()
    build = body_builder(request.user, filters, page=page, scope=scope, today=today, language=language)
    body, _ = caching.fresh_or_stale(
        body_key(filters, page=page, scope=scope, today=today, language=language), stamp, build
    )
    context = {"page": page, "body": mark_safe(body)}  # our own template's output, escaped when rendered
    return render(request, "dashboards/dashboard_detail.html", context)


def body_key(filters: Filters, *, page: PageScope, scope: AccessScope, today: dt.date, language: str) -> str:
    """Where a page's body is cached: everything that decides it (the scope stands for the user)."""
    return caching.page_key(scope, page, filters, today, language)


def body_builder(
    user: User, filters: Filters, *, page: PageScope, scope: AccessScope, today: dt.date, language: str
) -> Callable[[], str]:
    """What renders a page's body, in the request, a background thread or `nhiemvu worker`: a
    function and its arguments (pickled into the queue), no request in it (the body shows nothing
    per user beyond the scope in its key), the language passed along."""
    return partial(_body, user, filters, page=page, scope=scope, today=today, language=language)


def _body(
    user: User, filters: Filters, *, page: PageScope, scope: AccessScope, today: dt.date, language: str
) -> str:
    with translation.override(language):
        board = selectors.dashboard_build(user, filters, page=page, today=today, scope=scope)
        return render_to_string(
            "dashboards/_dashboard_body.html",
            {
                "board": board,
                "page": page,
                "filters": filters,
                "links": _links(filters, page),
                "leader_rows": _group_rows(board.by_leader, "leader", filters, page),
                "unit_rows": _group_rows(board.by_unit, "unit", filters, page),
                "of": _of(page),
                "may_open_leaders": scope.superuser or bool(scope.department_orgs),
                "may_open_units": scope.superuser or bool(scope.department_orgs),
            },
        )


def _list_link(filters: Filters, page: PageScope) -> Callable[..., str]:
    """The list behind a number: the page's filters, its scope (`of=leader:5`), some changed."""
    base = reverse("dashboards:task-list")
    of = {"of": _of(page)}

    def link(**changes: object) -> str:
        return f"{base}?{filters.query(**of, **changes)}"

    return link


def _links(filters: Filters, page: PageScope) -> dict[str, object]:
    """The list behind every number: the page's filters, its scope (`of=leader:5`) and what to show."""
    link = _list_link(filters, page)
    return {
        "status": {s.value: link(status=s.value) for s in TaskStatus},
        **{show: link(show=show) for show in selectors.SHOWS},
        # The total counts every status, whatever the status filter narrows the lists to.
        "all": link(status=""),
    }


def _group_rows(
    groups: list[selectors.Group], kind: str, filters: Filters, page: PageScope
) -> list[tuple[selectors.Group, dict[str, str]]]:
    """Each leader's or unit's row with the lists behind its numbers; the unassigned row links to
    `leader=none` / `unit=none`, the rest of the page's filters kept (its `leader=` replaced)."""
    link = _list_link(filters, page)
    rows = []
    for group in groups[:GROUPS_SHOWN]:
        who = {kind: selectors.NOBODY if group.pk is None else group.pk}
        links = {show: link(**who, show=show) for show in ("overdue", "at_risk", "done")}
        rows.append((group, {"total": link(**who), **links}))
    return rows


def _of(page: PageScope) -> str:
    return f"{page.kind}:{page.pk}" if page.kind != "overview" else ""


def _page_from_query(request: HttpRequest) -> PageScope:
    """`of=leader:5` or `of=unit:3` from a dashboard's link; the same permission checks as the page."""
    kind, _, pk = request.GET.get("of", "").partition(":")
    if kind == "leader" and pk.isdigit():
        return selectors.leader_scope(request.user, int(pk))
    if kind == "unit" and pk.isdigit():
        return selectors.unit_scope(request.user, int(pk))
    return PageScope("overview")


@login_required
@require_GET
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Every plan the user may see, or `?plan=`: what is late, what will be late, and whose it is."""
    return _render(request, PageScope("overview"))


@login_required
@require_GET
def leader(request: AuthenticatedHttpRequest, official_id: int | None = None) -> HttpResponse:
    """A deputy director's tasks: their own page, or any leader's for director and planning-finance."""
    return _render(request, selectors.leader_scope(request.user, official_id))


@login_required
@require_GET
def unit(request: AuthenticatedHttpRequest, org_id: int) -> HttpResponse:
    """A unit's tasks (led or supported) and its submission record."""
    return _render(request, selectors.unit_scope(request.user, org_id))


@login_required
@require_GET
def task_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The tasks behind one number of a dashboard: the same filters, plus `show=` (overdue, due30, …).

    Its table is cached like a dashboard's body (same board, same stamp), per list, page and language.
    """
    scope = access_scope(request.user)
    filters = Filters.from_query(request.GET)
    page = _page_from_query(request)
    show = request.GET.get("show", "all")
    show = show if show in selectors.SHOWS else "all"
    page_number = request.GET.get("page", "1")
    page_number = page_number if page_number.isdigit() and len(page_number) < 6 else "1"
    today = timezone.localdate()
    language = get_language()
    build = partial(_list_body, request.user, filters, page, scope, show, page_number, today, language)
    key = caching.page_key(scope, page, filters, today, language, "list", show, page_number)
    body, _ = caching.fresh_or_stale(key, caching.data_stamp(), build)
    return render(request, "dashboards/task_list.html", {"body": mark_safe(body)})


def _list_body(
    user: User,
    filters: Filters,
    page: PageScope,
    scope: AccessScope,
    show: str,
    page_number: str,
    today: dt.date,
    language: str,
) -> str:
    with translation.override(language):
        board = selectors.dashboard_build(user, filters, page=page, today=today, scope=scope)
        rows = board.rows_for(show)
        return render_to_string(
            "dashboards/_task_list_body.html",
            {
                "page": page,
                "of": _of(page),
                "filters": filters,
                "board": board,
                "show": show,
                "rows": Paginator(rows, LIST_PAGE_SIZE).get_page(page_number),
                "count": len(rows),
            },
        )


@never_cache
@require_GET
def health(request: HttpRequest) -> HttpResponse:
    """ "ok" without touching the database: for load balancers, and the benchmark's baseline."""
    return HttpResponse("ok", content_type="text/plain")
