"""Pages of the reporting cycle: a unit's tasks this period, the report form, submissions, the task page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Plan, Task
from nhiemvu.plans.selectors import plan_get

from . import access, selectors, services, snapshot
from .errors import AttachmentMissingError, NotAllowedError
from .forms import CalendarForm, ObstacleAnswerForm, PeriodDueForm, ReportForm, ReviewForm
from .models import (
    Attachment,
    Obstacle,
    ProgressReport,
    ReportingCalendar,
    ReportingPeriod,
    ReportStatus,
    TargetValue,
)


def _plan_and_period(
    request: HttpRequest, plans: list[Plan]
) -> tuple[Plan | None, ReportingPeriod | None, list[ReportingPeriod]]:
    """The chosen plan, the chosen period (else the current one) and the plan's reporting periods,
    loaded once for the switcher and the choice alike."""
    plan = next((p for p in plans if str(p.pk) == request.GET.get("plan")), plans[0] if plans else None)
    if plan is None:
        return None, None, []
    periods = list(selectors.periods_of(plan, reporting_only=True))
    period = None
    if request.GET.get("period"):
        period = next((p for p in periods if str(p.pk) == request.GET["period"]), None)
        if period is None:  # a coarser period of the plan, by its address
            period = plan.periods.filter(pk=request.GET["period"]).first()
    return plan, period or selectors.period_current_among(periods), periods


@login_required
def my_tasks(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Unit staff: what the unit owes this period, what is late, one form per task."""
    scope = access_scope(request.user)
    plans = list(selectors.plans_carried_by(scope))
    plan, period, periods = _plan_and_period(request, plans)
    rows = selectors.my_tasks(request.user, period, scope=scope) if period else []
    return render(
        request,
        "reporting/my_tasks.jinja",
        {
            "plans": plans,
            "plan": plan,
            "period": period,
            "periods": periods,
            "rows": rows,
            "has_units": bool(scope.unit_orgs) or scope.superuser,
        },
    )


def _report_for_form(unit: access.ReportingUnit, task: Task, period: ReportingPeriod) -> ProgressReport:
    """The open report of the user's unit, else its latest, else an unsaved blank one (no write on GET)."""
    existing = (
        ProgressReport.objects.filter(task=task, period=period, organisation_id=unit.organisation_id)
        .prefetch_related(
            Prefetch("values", queryset=TargetValue.objects.select_related("target")),
            Prefetch("obstacles", queryset=Obstacle.objects.select_related("answered_by")),
            "milestones_met",
            "attachments",
        )
        .order_by("-version")
        .first()
    )
    if existing is None:
        return ProgressReport(task=task, period=period, organisation=unit.organisation, is_lead=unit.is_lead)
    existing.task, existing.period = task, period
    return existing


@login_required
def report_edit(request: AuthenticatedHttpRequest, task_pk: int, period_pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    task, unit = selectors.task_for_report(scope, task_pk)
    period = get_object_or_404(ReportingPeriod, pk=period_pk, plan_id=task.plan_id)
    report = _report_for_form(unit, task, period)
    form = ReportForm(request.POST or None, task=task, report=report)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        try:
            if action == "correct":
                services.report_start(task=task, period=period, user=request.user, scope=scope)
                messages.success(
                    request, _("Đã mở báo cáo đính chính (lần mới). Báo cáo đã chấp nhận được giữ nguyên.")
                )
                return redirect(request.path)
            if form.is_valid():
                report = services.report_write(
                    task=task,
                    period=period,
                    report=report if report.pk is not None else None,
                    user=request.user,
                    revision=form.cleaned_data["revision"],
                    data=form.to_input(),
                    uploads=services.attachment_uploads_read(request.FILES.getlist("attachments")),
                    submit=action == "submit",
                    scope=scope,
                )
                if action == "submit":
                    messages.success(request, _("Đã gửi báo cáo nhiệm vụ %(code)s.") % {"code": task.code})
                    return redirect(f"{reverse('reporting:my-tasks')}?plan={task.plan_id}&period={period.pk}")
                messages.success(request, _("Đã lưu nháp."))
                return redirect(request.path)
        except NotAllowedError as exc:
            raise Http404 from exc
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
    return render(
        request,
        "reporting/report_form.jinja",
        {
            "task": task,
            "period": period,
            "report": report,
            "form": form,
            "editable": report.pk is None or report.is_editable,
            "events": list(report.events.select_related("actor").order_by("at", "id")) if report.pk else [],
        },
    )


@login_required
def submissions(request: AuthenticatedHttpRequest, period_pk: int) -> HttpResponse:
    """Planning-finance: who has and has not reported in a period; accept or return in one step."""
    scope = access_scope(request.user)
    period = selectors.period_get(request.user, period_pk, scope)
    if not scope.sees_whole_plan_of(period.plan.issuer_id):
        raise Http404
    rows = selectors.submissions(period)
    counts = {
        "total": len(rows),
        "missing": sum(1 for r in rows if r.report is None or r.report.status == ReportStatus.DRAFT),
        "submitted": sum(1 for r in rows if r.report and r.report.status == ReportStatus.SUBMITTED),
        "returned": sum(1 for r in rows if r.report and r.report.status == ReportStatus.RETURNED),
        "accepted": sum(1 for r in rows if r.report and r.report.status == ReportStatus.ACCEPTED),
    }
    return render(
        request,
        "reporting/submissions.html",
        {
            "period": period,
            "plan": period.plan,
            "periods": selectors.periods_of(period.plan, reporting_only=True),
            "rows": rows,
            "counts": counts,
            "may_review": access.may_manage_periods(scope, period.plan.issuer_id),
        },
    )


@login_required
@require_POST
def report_review(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    report = selectors.report_get(request.user, pk, scope)
    form = ReviewForm(request.POST)
    back = reverse("reporting:submissions", args=[report.period_id])
    if not form.is_valid():
        for error in form.errors.get("comment", []) + form.errors.get("decision", []):
            messages.error(request, f"{report.task.code}: {error}")
        return redirect(back)
    try:
        if form.cleaned_data["decision"] == "accept":
            services.report_accept(
                report=report, user=request.user, comment=form.cleaned_data["comment"], scope=scope
            )
            messages.success(
                request, _("Đã chấp nhận báo cáo nhiệm vụ %(code)s.") % {"code": report.task.code}
            )
        else:
            services.report_return(
                report=report, user=request.user, comment=form.cleaned_data["comment"], scope=scope
            )
            messages.success(request, _("Đã trả lại báo cáo nhiệm vụ %(code)s.") % {"code": report.task.code})
    except NotAllowedError as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, f"{report.task.code}: {exc.localized_message}")
    return redirect(back)


@login_required
def task_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    task = selectors.task_get(request.user, pk, scope)
    task = selectors.tasks_with_plan_data(task.plan_id).get(pk=task.pk)
    progress = snapshot.tasks_progress([task])[task.pk]
    period = selectors.period_current(task.plan)
    unit = access.reporting_unit(scope, task)
    return render(
        request,
        "reporting/task_detail.html",
        {
            "task": task,
            "progress": progress,
            "history": selectors.task_history(task, scope),
            "period": period,
            "may_report": unit is not None and period is not None,
            "may_answer": access.may_answer_obstacle(scope, task),
            "answerable": services.ANSWERABLE,
        },
    )


@login_required
@require_POST
def obstacle_answer(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The leader's direction on an obstacle, from the task page; back to the obstacle."""
    scope = access_scope(request.user)
    obstacle = get_object_or_404(
        Obstacle.objects.filter(report__in=selectors.reports_visible_to(request.user, scope)).select_related(
            "report__task__plan"
        ),
        pk=pk,
    )
    task = obstacle.report.task
    if not access.may_answer_obstacle(scope, task):
        raise Http404
    back = f"{reverse('reporting:task-detail', args=[task.pk])}#obstacle-{obstacle.pk}"
    form = ObstacleAnswerForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, f"{task.code}: {error}")
        return redirect(back)
    try:
        services.obstacle_answer(
            obstacle=obstacle,
            user=request.user,
            answer=form.cleaned_data["answer"],
            resolved=form.cleaned_data["decision"] == "resolved",
            scope=scope,
        )
    except NotAllowedError as exc:
        raise Http404 from exc
    except DomainError as exc:
        messages.error(request, f"{task.code}: {exc.localized_message}")
        return redirect(back)
    messages.success(
        request, _("Đã ghi ý kiến chỉ đạo về vướng mắc của nhiệm vụ %(code)s.") % {"code": task.code}
    )
    return redirect(back)


@login_required
def period_list(request: AuthenticatedHttpRequest, plan_pk: int) -> HttpResponse:
    scope = access_scope(request.user)
    plan = plan_get(request.user, plan_pk, scope)
    manage = access.may_manage_periods(scope, plan.issuer_id)
    calendar = ReportingCalendar.objects.filter(plan=plan).first()
    calendar_form = CalendarForm(initial={"due_working_days": calendar.due_working_days if calendar else 2})
    due_forms: dict[int, PeriodDueForm] = {}
    if request.method == "POST":
        if not manage:
            raise Http404
        action = request.POST.get("action")
        try:
            if action == "generate":
                services.periods_generate(plan=plan)
                messages.success(request, _("Đã lập lịch kỳ báo cáo."))
            elif action == "activate":
                services.plan_activate(plan=plan, user=request.user)
                messages.success(
                    request, _("Kế hoạch đã được đưa vào theo dõi; lịch kỳ báo cáo đã được lập.")
                )
                return redirect("plans:plan-detail", pk=plan.pk)
            elif action == "calendar":
                calendar_form = CalendarForm(request.POST)
                if not calendar_form.is_valid():
                    raise _FormInvalid
                services.periods_generate(
                    plan=plan, due_working_days=calendar_form.cleaned_data["due_working_days"]
                )
                messages.success(request, _("Đã tính lại hạn gửi của các kỳ báo cáo."))
            elif action in ("lock", "unlock", "due"):
                period = get_object_or_404(ReportingPeriod, pk=request.POST.get("period"), plan=plan)
                if action == "lock":
                    services.period_lock(period=period, user=request.user)
                    messages.success(request, _("Đã khóa kỳ %(p)s.") % {"p": period.label})
                elif action == "unlock":
                    services.period_unlock(period=period, user=request.user)
                    messages.success(request, _("Đã mở khóa kỳ %(p)s.") % {"p": period.label})
                else:
                    due_forms[period.pk] = form = PeriodDueForm(request.POST, prefix=f"p{period.pk}")
                    if not form.is_valid():
                        raise _FormInvalid
                    period = services.period_set_due(
                        period=period, due_on=form.cleaned_data["due_on"], user=request.user
                    )
                    messages.success(
                        request,
                        _("Hạn gửi kỳ %(p)s: %(d)s.") % {"p": period.label, "d": f"{period.due_on:%d/%m/%Y}"},
                    )
            return redirect(request.path)
        except _FormInvalid:
            pass
        except DomainError as exc:
            messages.error(request, exc.localized_message)
            return redirect(request.path)
    periods = list(selectors.periods_of(plan))
    if manage:
        for p in periods:
            due_forms.setdefault(p.pk, PeriodDueForm(initial={"due_on": p.due_on}, prefix=f"p{p.pk}"))
    return render(
        request,
        "reporting/period_list.html",
        {
            "plan": plan,
            "periods": [(p, due_forms.get(p.pk)) for p in periods],
            "manage": manage,
            "calendar_form": calendar_form,
            "holiday_warning": selectors.plan_holiday_warning(plan),
        },
        status=400 if request.method == "POST" else 200,
    )


class _FormInvalid(Exception):
    """A period form did not validate: the page is shown again with what was typed and why."""


@login_required
def attachment_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponseBase:
    scope = access_scope(request.user)
    attachment = get_object_or_404(
        Attachment.objects.filter(report__in=selectors.reports_visible_to(request.user, scope)), pk=pk
    )
    try:
        opened = selectors.attachment_open(attachment)
    except AttachmentMissingError as exc:
        return render(request, "404.html", {"message": exc.localized_message}, status=404)
    return FileResponse(opened, as_attachment=True, filename=attachment.original_name)
