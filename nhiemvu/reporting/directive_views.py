"""The directive pages: the year's tasks from directives and meeting conclusions, and the form that
records one document with its tasks. Each task is then an ordinary task (`reporting:task-detail`).

They live with reporting because the list shows each task's status from its accepted reports.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.models import Organisation
from nhiemvu.organisations.selectors import AccessScope, access_scope
from nhiemvu.plans import selectors

from .directive_forms import MAX_TASKS, TASK_PREFIX, DirectiveForm, DirectiveTaskForm, DirectiveTaskFormSet
from .services.directives import DirectiveTask, directive_create
from .snapshot import tasks_progress


def _year(request: AuthenticatedHttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year
    return year if 2000 <= year <= 2100 else timezone.localdate().year


@login_required
def directive_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = access_scope(request.user)
    year = _year(request)
    tasks = list(selectors.directive_tasks(request.user, year, scope))
    progress = tasks_progress(tasks)
    years = sorted(
        {*selectors.directive_years(request.user, scope), timezone.localdate().year, year}, reverse=True
    )
    return render(
        request,
        "plans/directive_list.html",
        {
            "year": year,
            "years": years,
            "rows": [{"task": task, "progress": progress.get(task.pk)} for task in tasks],
            "may_create": selectors.directive_agencies(request.user, scope).exists(),
        },
    )


def _agencies(
    request: AuthenticatedHttpRequest, scope: AccessScope
) -> tuple[QuerySet[Organisation], list[int]]:
    # 404, not 403: the form does not exist for people who may not record directives.
    agencies = selectors.directive_agencies(request.user, scope)
    agency_ids = list(agencies.values_list("pk", flat=True))
    if not agency_ids:
        raise Http404
    return agencies, agency_ids


def _task_form_kwargs(agency_ids: list[int]) -> dict[str, Any]:
    return {
        "units": selectors.directive_units(agency_ids),
        "leaders": selectors.directive_leaders(agency_ids),
    }


@login_required
def directive_new(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = access_scope(request.user)
    agencies, agency_ids = _agencies(request, scope)
    form_kwargs = {"agencies": agencies, "document_issuers": selectors.directive_document_issuers(agency_ids)}
    task_kwargs = _task_form_kwargs(agency_ids)
    if request.method == "POST":
        form = DirectiveForm(request.POST, **form_kwargs)
        formset = DirectiveTaskFormSet(request.POST, prefix=TASK_PREFIX, form_kwargs=task_kwargs)
        if form.is_valid() and formset.is_valid():
            data = form.cleaned_data
            tasks: list[DirectiveTask] = [
                {
                    "title": f.cleaned_data["title"],
                    "lead_unit": f.cleaned_data["lead_unit"],
                    "support_units": list(f.cleaned_data["support_units"]),
                    "leader": f.cleaned_data["leader"],
                    "deadline": f.cleaned_data["deadline"],
                }
                for f in formset.forms
                if f.cleaned_data  # a row added and left blank is skipped
            ]
            try:
                plan = directive_create(
                    agency=data["agency"],
                    kind=data["kind"],
                    number=data["number"],
                    issued_on=data["issued_on"],
                    title=data["title"],
                    document_issuer=data["document_issuer"],
                    document_issuer_name=data["document_issuer_name"],
                    tasks=tasks,
                    created_by=request.user,
                )
            except DomainError as exc:
                form.add_error(None, exc.localized_message)
            else:
                messages.success(
                    request,
                    _("Đã ghi nhận văn bản %(number)s với %(count)d nhiệm vụ.")
                    % {"number": data["number"], "count": len(tasks)},
                )
                return redirect(f"{reverse('plans:directive-list')}?year={plan.year}")
    else:
        form = DirectiveForm(initial={"agency": agencies.first()}, **form_kwargs)
        formset = DirectiveTaskFormSet(prefix=TASK_PREFIX, form_kwargs=task_kwargs)
    return render(
        request,
        "plans/directive_form.html",
        {
            "form": form,
            "formset": formset,
            "next_index": formset.total_form_count(),
            "max_tasks": MAX_TASKS,
        },
    )


@login_required
def directive_task_form(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One more blank task for the form (htmx «Thêm nhiệm vụ»): the task's fields, and out of band
    the formset's new total and the button asking for the next one."""
    scope = access_scope(request.user)
    _, agency_ids = _agencies(request, scope)
    try:
        index = int(request.GET.get("index", ""))
    except ValueError as exc:
        raise Http404 from exc
    if not 0 <= index < MAX_TASKS:
        raise Http404
    task_form = DirectiveTaskForm(prefix=f"{TASK_PREFIX}-{index}", **_task_form_kwargs(agency_ids))
    return render(
        request,
        "plans/_directive_task_form.html",
        {
            "task_form": task_form,
            "number": index + 1,
            "next_index": index + 1,
            "max_tasks": MAX_TASKS,
            "oob": True,
        },
    )
