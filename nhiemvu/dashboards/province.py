"""The province's dashboard of the tasks its decision assigned: the agencies side by side, then one
agency's share with the agency tasks carrying each task out (the chain's reads are `cascade`).

Rolling a province up reads the snapshot of every linked agency task (about 0,8 s for 20 agencies
and 500 linked tasks), so the body is cached per data stamp like the other dashboards (`caching`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from nhiemvu.cascade import selectors
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.models import Organisation
from nhiemvu.organisations.selectors import AccessScope, User, access_scope
from nhiemvu.plans.models import Plan
from nhiemvu.reporting.status import TaskStatus

from . import caching

# Column heads of the agencies' table: the categories of QĐ 42/2014 in the words officers abbreviate
# them to (the full name is the head's tooltip), so twenty agencies' names keep room to read.
SHORT_STATUS = {
    TaskStatus.COMPLETED_ON_TIME: _("HT đúng hạn"),
    TaskStatus.COMPLETED_LATE: _("HT quá hạn"),
    TaskStatus.IN_PROGRESS: _("Đang thực hiện"),
    TaskStatus.OVERDUE: _("Quá hạn"),
    TaskStatus.NOT_STARTED: _("Chưa triển khai"),
}


def _page(
    request: AuthenticatedHttpRequest, key: str, build: Callable[[], str], **frame: object
) -> HttpResponse:
    body, _ = caching.fresh_or_stale(key, caching.data_stamp(), build)
    return render(
        request, "dashboards/province.html", {"body": mark_safe(body), **frame}
    )  # our own template's output


@login_required
def province(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The province's agencies side by side on the tasks its decision assigned them, ranked."""
    plans = list(selectors.provincial_plans_visible_to(request.user).order_by("-year", "-pk"))
    if not plans:
        raise Http404
    wanted = request.GET.get("plan", "")
    plan = next((p for p in plans if str(p.pk) == wanted), plans[0])
    today, language = timezone.localdate(), get_language()
    build = partial(_province_body, plans, plan, today, language)
    # Whoever sees the decision whole sees the same page: the visible decisions stand for the user.
    key = caching.page_key("province", plan.pk, tuple(p.pk for p in plans), today, language)
    return _page(request, key, build)


@login_required
def province_agency(request: AuthenticatedHttpRequest, plan_pk: int, agency_pk: int) -> HttpResponse:
    """One agency's share of a provincial decision: each task rolled up, with the agency's tasks behind it."""
    scope = access_scope(request.user)
    plan = get_object_or_404(
        Plan.objects.filter(issuer__kind=selectors.PROVINCE).select_related("issuer", "source_document"),
        pk=plan_pk,
    )
    agency = selectors.agency_get(request.user, plan, agency_pk, scope)
    today, language = timezone.localdate(), get_language()
    build = partial(_agency_body, request.user, scope, plan, agency, today, language)
    key = caching.page_key("province-agency", plan.pk, agency.pk, scope, today, language)
    return _page(request, key, build, agency=agency)


def _province_body(plans: list[Plan], plan: Plan, today: dt.date, language: str) -> str:
    """The province's page body, rendered in the request, a thread or `nhiemvu worker` (`caching`):
    a module-level function, so that it and its arguments can be pickled into the queue."""
    with translation.override(language):
        cascade = selectors.cascade_load(plan.tasks.all(), today=today)
        return render_to_string(
            "dashboards/_province_body.html",
            {
                "plans": plans,
                "plan": plan,
                "standings": selectors.agency_standings(cascade),
                "counts": selectors.status_counts(cascade.rollups),
                "statuses": list(TaskStatus),
                "short_statuses": [(s, SHORT_STATUS[s]) for s in TaskStatus],
                "uncovered": [r for r in cascade.rollups if r.uncovered],
                "total": len(cascade.rollups),
                "overdue_days": selectors.OBSTACLE_OVERDUE_DAYS,
            },
        )


def _agency_body(
    user: User, scope: AccessScope, plan: Plan, agency: Organisation, today: dt.date, language: str
) -> str:
    """One agency's share, rendered like `_province_body`."""
    with translation.override(language):
        family = selectors.agency_family(agency.pk)
        cascade = selectors.cascade_load(plan.tasks.filter(lead_unit_id__in=family), today=today)
        return render_to_string(
            "dashboards/_province_agency_body.html",
            {
                "plan": plan,
                "agency": agency,
                "rollups": cascade.rollups,
                # The links lead only where the user may go (the scope is in the cache key).
                "openable": selectors.agency_tasks_visible(user, cascade.agency_of_task),
                "counts": selectors.status_counts(cascade.rollups),
                "statuses": list(TaskStatus),
                "sees_province": selectors.provincial_plans_visible_to(user, scope)
                .filter(pk=plan.pk)
                .exists(),
            },
        )
