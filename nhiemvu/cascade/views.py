"""Pages of the chain province → agency → task: one provincial task rolled up, and the page where an
agency links its plan to the province's tasks. The province's dashboard of its agencies is in
`dashboards.province` (cached like the other dashboards)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Plan, Task
from nhiemvu.plans.selectors import plan_get

from . import selectors, services
from .models import TaskLink


@login_required
def provincial_task(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A provincial task rolled up from the agency tasks linked to it, with the rules shown."""
    task = selectors.provincial_task_get(request.user, pk)
    cascade = selectors.cascade_load(Task.objects.filter(pk=task.pk))
    rollup = cascade.rollups[0]
    return render(
        request,
        "cascade/provincial_task.html",
        {
            "task": task,
            "rollup": rollup,
            "openable": selectors.agency_tasks_visible(request.user, cascade.agency_of_task),
            "sees_all": selectors.provincial_plans_visible_to(request.user).filter(pk=task.plan_id).exists(),
        },
    )


@login_required
def plan_links(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    """An agency plan's links to the provincial tasks: kept, proposed, and the province's tasks not taken up."""
    scope = access_scope(request.user)
    plan = plan_get(request.user, plan_pk, scope)
    # The agency's management (who see the plan whole); a unit sees its own tasks, not the agency's links.
    if plan.issuer.kind == selectors.PROVINCE or not scope.sees_whole_plan_of(plan.issuer_id):
        raise Http404
    may_link = services.may_link(request.user, plan)
    if request.method == "POST":
        if not may_link:
            raise Http404
        try:
            _change_link(request, plan)
        except DomainError as exc:
            messages.error(request, exc.localized_message)
        return redirect("cascade:plan-links", plan_pk=plan.pk)
    links = selectors.plan_links(plan)
    candidates = selectors.candidates_for(plan.issuer_id, plan.year)
    cited = selectors.cited_numbers(plan)
    linked_ids = {link.provincial_task_id for group in links.values() for link in group}
    rows = []
    for task in plan.tasks.select_related("lead_unit").order_by("order"):
        have = {link.provincial_task_id for link in links.get(task.pk, [])}
        proposals = [
            p for p in selectors.propose(task.title, candidates, cited) if p.candidate.pk not in have
        ]
        others = [c for c in candidates if c.pk not in have]
        rows.append({"task": task, "links": links.get(task.pk, []), "proposals": proposals, "others": others})
    return render(
        request,
        "cascade/plan_links.html",
        {
            "plan": plan,
            "rows": rows,
            "candidates": candidates,
            "uncovered": [c for c in candidates if c.pk not in linked_ids],
            "may_link": may_link,
        },
    )


def _change_link(request: AuthenticatedHttpRequest, plan: Plan) -> None:
    if "remove" in request.POST:
        link = get_object_or_404(TaskLink, pk=_int(request.POST["remove"]), agency_task__plan=plan)
        services.task_link_remove(user=request.user, link=link)
        messages.success(request, _("Đã bỏ liên kết."))
        return
    agency_task = get_object_or_404(Task, pk=_int(request.POST.get("task", "")), plan=plan)
    provincial = (
        selectors.tasks_assigned_to(plan.issuer_id)
        .filter(pk=_int(request.POST.get("provincial", "")))
        .first()
    )
    if provincial is None:
        raise DomainError(
            "Hãy chọn một nhiệm vụ tỉnh giao trong danh sách.",
            message_en="Choose a provincial task from the list.",
        )
    services.task_link_add(user=request.user, provincial_task=provincial, agency_task=agency_task)
    messages.success(
        request,
        _("Nhiệm vụ %(task)s thực hiện nhiệm vụ tỉnh giao %(provincial)s.")
        % {"task": agency_task.code, "provincial": provincial.code},
    )


def _int(raw: str) -> int:
    return int(raw) if raw.isdigit() else 0
