"""Downloads of the consolidated period report: an agency's, and the province's across agencies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation

from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.selectors import reports_visible_to

from .access import may_report_province, period_for_report, provincial_periods
from .data import DOCUMENT_LANGUAGE, ReportOptions, build_report
from .pdf import PdfUnavailableError
from .services import FORMATS, UNIT_FORMATS, RenderedReport, report_render, unit_report_render


def _download(rendered: RenderedReport) -> HttpResponse:
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = f'attachment; filename="{rendered.filename}"'
    return response


@login_required
def period_report(request: AuthenticatedHttpRequest, period_pk: int, fmt: str) -> HttpResponse:
    """The period's consolidated report as .docx, .xlsx or .pdf (director, planning-finance, province)."""
    if fmt not in FORMATS:
        raise Http404
    period = period_for_report(request.user, period_pk)
    try:
        with translation.override(DOCUMENT_LANGUAGE):
            report = build_report([period], options=ReportOptions())
            return _download(report_render(report=report, fmt=fmt))
    except PdfUnavailableError as exc:
        messages.error(request, exc.localized_message)
        return redirect("reporting:submissions", period.pk)


@login_required
def provincial_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Provincial reviewers: one report over the same period of several agencies' plans."""
    scope = access_scope(request.user)
    if not may_report_province(scope):
        raise Http404
    candidates = ReportingPeriod.objects.select_related("plan", "plan__issuer").order_by("-ends_on")
    if not scope.superuser:
        candidates = candidates.filter(plan__issuer_id__in=scope.department_orgs)
    keys = list(dict.fromkeys(candidates.values_list("key", flat=True)))
    key = request.GET.get("period") or ""
    fmt = request.GET.get("format") or ""
    plans = [p.plan for p in candidates.filter(key=key).order_by("plan__issuer__name")] if key else []
    chosen = [int(pk) for pk in request.GET.getlist("plan") if pk.isdigit()]
    if key and fmt in FORMATS and chosen:
        periods, province = provincial_periods(request.user, key, plan_ids=chosen, scope=scope)
        if periods:
            try:
                with translation.override(DOCUMENT_LANGUAGE):
                    report = build_report(periods, province=province)
                    return _download(report_render(report=report, fmt=fmt))
            except PdfUnavailableError as exc:
                messages.error(request, exc.localized_message)
                return redirect(f"{reverse('documents:provincial-report')}?period={key}")
    return render(
        request,
        "documents/provincial_report.html",
        {"keys": keys, "key": key, "plans": plans, "chosen": set(chosen), "formats": FORMATS},
    )


@login_required
def unit_report(request: AuthenticatedHttpRequest, report_pk: int, fmt: str) -> HttpResponse:
    """A unit's progress report as its own official document, to whoever may read the report."""
    if fmt not in UNIT_FORMATS:
        raise Http404
    report = get_object_or_404(
        reports_visible_to(request.user).select_related(
            "task__plan__issuer",
            "task__plan__source_document",
            "task__plan__compiler",
            "period",
            "organisation",
        ),
        pk=report_pk,
    )
    try:
        with translation.override(DOCUMENT_LANGUAGE):
            return _download(unit_report_render(report=report, fmt=fmt))
    except PdfUnavailableError as exc:
        messages.error(request, exc.localized_message)
        return redirect("reporting:task-detail", report.task_id)
