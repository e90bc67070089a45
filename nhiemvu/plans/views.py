from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from nhiemvu.organisations.selectors import access_scope

from . import selectors


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    return render(request, "plans/plan_list.html", {"plans": selectors.plan_list(request.user)})


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    plan = selectors.plan_get(request.user, pk, scope)
    tree = selectors.plan_task_tree(plan, request.user, scope)
    return render(
        request,
        "plans/plan_detail.html",
        {"plan": plan, "tree": tree, "findings": selectors.plan_findings(plan)},
    )
