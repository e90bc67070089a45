"""The roadmap section of the task page, loaded and changed in place with htmx.

Every view answers a plain request too: the section as a page of its own, and after a change a
redirect back to the task page, so the roadmap works without script as well.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import AccessScope, access_scope
from nhiemvu.plans.models import Task
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.selectors import task_get

from . import selectors, services
from .access import may_edit_roadmap
from .errors import RoadmapNotAllowedError
from .forms import StepForm
from .models import RoadmapStep


def _section(
    request: AuthenticatedHttpRequest,
    task: Task,
    scope: AccessScope,
    *,
    form: StepForm | None = None,
    editing: RoadmapStep | None = None,
    edit_form: StepForm | None = None,
    notice: str = "",
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The roadmap: the section alone for htmx, else the page that holds it."""
    may_edit = may_edit_roadmap(scope, task)
    today = timezone.localdate()
    rows = [(step, step.status_on(today)) for step in selectors.steps_of(task)]
    context = {
        "task": task,
        "rows": rows,
        "may_edit": may_edit,
        "form": (form or StepForm(task=task)) if may_edit else None,
        "editing_pk": editing.pk if editing is not None else None,
        "edit_form": edit_form,
        "notice": notice,
        "error": error,
    }
    template = "roadmaps/_step_section.html" if request.htmx else "roadmaps/step_list.html"
    return render(request, template, context, status=status)


def _changed(request: AuthenticatedHttpRequest, task: Task, scope: AccessScope, notice: str) -> HttpResponse:
    if request.htmx:
        return _section(request, task, scope, notice=notice)
    messages.success(request, notice)
    return redirect(f"{reverse('reporting:task-detail', args=[task.pk])}#roadmap")


def _refused(
    request: AuthenticatedHttpRequest, task: Task, scope: AccessScope, exc: RoadmapNotAllowedError
) -> HttpResponse:
    return _section(request, task, scope, error=exc.localized_message, status=403)


def _not_allowed(task: Task) -> RoadmapNotAllowedError:
    unit = task.lead_unit.name if task.lead_unit else "—"
    return RoadmapNotAllowedError(
        _("Chỉ cán bộ của đơn vị chủ trì (%(unit)s) được lập và sửa lộ trình nhiệm vụ này.") % {"unit": unit}
    )


@login_required
def step_list(request: AuthenticatedHttpRequest, task_pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    task = task_get(request.user, task_pk, scope)
    return _section(request, task, scope)


@login_required
@require_POST
def step_create(request: AuthenticatedHttpRequest, task_pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    task = task_get(request.user, task_pk, scope)
    if not may_edit_roadmap(scope, task):
        return _refused(request, task, scope, _not_allowed(task))
    form = StepForm(request.POST, task=task)
    if form.is_valid():
        try:
            step = services.step_create(task=task, user=request.user, data=form.to_input(), scope=scope)
        except RoadmapNotAllowedError as exc:
            return _refused(request, task, scope, exc)
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
        else:
            return _changed(
                request,
                task,
                scope,
                _("Đã thêm bước hạn %(due)s vào lộ trình.") % {"due": f"{step.due:%d/%m/%Y}"},
            )
    return _section(request, task, scope, form=form)


@login_required
def step_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the roadmap with this step's row turned into a form; POST: save it."""
    scope = access_scope(request.user)
    step = selectors.step_get(request.user, pk, scope)
    task = step.task
    if not may_edit_roadmap(scope, task):
        return _refused(request, task, scope, _not_allowed(task))
    if request.method != "POST":
        return _section(request, task, scope, editing=step, edit_form=StepForm(task=task, step=step))
    form = StepForm(request.POST, task=task, step=step)
    if form.is_valid():
        try:
            services.step_update(step=step, user=request.user, data=form.to_input(), scope=scope)
        except RoadmapNotAllowedError as exc:
            return _refused(request, task, scope, exc)
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
        else:
            return _changed(request, task, scope, _("Đã lưu bước lộ trình."))
    return _section(request, task, scope, editing=step, edit_form=form)


@login_required
@require_POST
def step_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    step = selectors.step_get(request.user, pk, scope)
    task = step.task
    try:
        services.step_delete(step=step, user=request.user, scope=scope)
    except RoadmapNotAllowedError as exc:
        return _refused(request, task, scope, exc)
    except DomainError as exc:
        return _section(request, task, scope, error=exc.localized_message)
    return _changed(request, task, scope, _("Đã xóa bước lộ trình."))


@login_required
@require_POST
def step_done(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark the step done today, or (with `undo`) open it again."""
    scope = access_scope(request.user)
    step = selectors.step_get(request.user, pk, scope)
    task = step.task
    undo = "undo" in request.POST
    try:
        if undo:
            services.step_mark_undone(step=step, user=request.user, scope=scope)
        else:
            services.step_mark_done(step=step, user=request.user, scope=scope)
    except RoadmapNotAllowedError as exc:
        return _refused(request, task, scope, exc)
    except DomainError as exc:
        return _section(request, task, scope, error=exc.localized_message)
    notice = _("Đã bỏ đánh dấu hoàn thành.") if undo else _("Đã đánh dấu bước là đã hoàn thành.")
    return _changed(request, task, scope, notice)


@login_required
def period_summary(request: AuthenticatedHttpRequest, task_pk: int, period_pk: int) -> HttpResponse:
    """Beside the report form: the steps due by the period's end, and which were done."""
    scope = access_scope(request.user)
    task = task_get(request.user, task_pk, scope)
    period = get_object_or_404(ReportingPeriod, pk=period_pk, plan_id=task.plan_id)
    roadmap = selectors.period_roadmap(task, period.starts_on, period.ends_on)
    return render(
        request,
        "roadmaps/_period_summary.html",
        {"task": task, "period": period, "roadmap": roadmap},
    )
