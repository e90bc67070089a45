"""The plan pages: every plan in reach, and one plan's task tree with each task's progress.

They live with reporting because they show progress; `plans` itself knows nothing of reports.
"""

from __future__ import annotations

from pathlib import PurePath

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render

from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans import selectors

from . import access as reporting_access
from .selectors import period_current, plan_holiday_warning
from .snapshot import tasks_progress


@login_required
def plan_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(request, "plans/plan_list.html", {"plans": selectors.plan_list(request.user)})


@login_required
def plan_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    plan = selectors.plan_get(request.user, pk, scope)
    tree = selectors.plan_task_tree(plan, request.user, scope)
    visible = [node.task for node in selectors.walk(tree) if not node.context_only]
    progress = tasks_progress(visible)
    for node in selectors.walk(tree):
        node.progress = progress.get(node.task.pk)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "tree": tree,
            "findings": selectors.plan_findings(plan),
            "plan_targets": selectors.plan_targets(plan),
            "period": period_current(plan),
            "sees_whole_plan": scope.sees_whole_plan_of(plan.issuer_id),
            "manages_periods": reporting_access.may_manage_periods(scope, plan.issuer_id),
            "holiday_warning": plan_holiday_warning(plan),
        },
    )


@login_required
def plan_document_download(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The file the plan was imported from, to whoever may see the plan; uploaded files are served
    only through views like this one (never as /media/ URLs), in every mode."""
    plan = selectors.plan_get(request.user, pk)
    document = plan.source_document
    if document is None or not document.file.name:
        raise Http404
    try:
        opened = document.file.open("rb")
    except OSError as exc:
        raise Http404 from exc
    return FileResponse(
        opened, as_attachment=True, filename=document.file_name or PurePath(document.file.name).name
    )
