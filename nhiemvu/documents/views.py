"""Downloads of the consolidated period report: an agency's, and the province's across agencies."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.core.uploads import OversizeUpload
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.selectors import reports_visible_to

from .access import (
    may_report_province,
    period_for_report,
    provincial_periods,
    template_agencies,
    template_agency,
)
from .data import DOCUMENT_LANGUAGE, ReportOptions, build_report
from .models import JobStatus, ReportJob, ReportTemplate, TemplateKind
from .pdf import PdfUnavailableError
from .services import (
    CONTENT_TYPES,
    FORMATS,
    PERIOD_BACKGROUND_FORMATS,
    UNIT_FORMATS,
    RenderedReport,
    report_job_request,
    report_render,
    template_in_force,
    template_reset,
    template_save,
    unit_report_render,
)
from .tasks import build_report_job
from .templating import MAX_TEMPLATE_BYTES, PLACEHOLDERS, TemplateProblem, default_template


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
    if fmt in PERIOD_BACKGROUND_FORMATS:
        return _queue(request, {"period": period.pk}, fmt)
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
        periods, _province = provincial_periods(request.user, key, plan_ids=chosen, scope=scope)
        if periods:
            # Twenty agencies' plans: built by the worker, fetched from the job's page.
            return _queue(request, {"province": key, "plans": [p.plan_id for p in periods]}, fmt)
    return render(
        request,
        "documents/provincial_report.html",
        {"keys": keys, "key": key, "plans": plans, "chosen": set(chosen), "formats": FORMATS},
    )


def _queue(request: AuthenticatedHttpRequest, wanted: dict, fmt: str) -> HttpResponse:
    job = report_job_request(user=request.user, request=wanted, fmt=fmt)
    build_report_job(job.pk)
    return redirect("documents:report-job", pk=job.pk)


@login_required
def report_job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A report the worker is building: htmx asks every second until the download is ready."""
    job = get_object_or_404(ReportJob.objects.defer("content"), pk=pk, requested_by=request.user)
    english = (translation.get_language() or "").startswith("en")
    wanted = job.request
    back = (
        reverse("reporting:submissions", args=[wanted["period"]])
        if "period" in wanted
        else f"{reverse('documents:provincial-report')}?period={wanted.get('province', '')}"
    )
    context = {
        "job": job,
        "back": back,
        "failure": job.failure.get("en" if english else "vi", "") if job.failure else "",
    }
    template = "documents/_report_job.html" if request.htmx else "documents/report_job.html"
    return render(request, template, context)


@login_required
def report_job_download(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(ReportJob, pk=pk, requested_by=request.user, status=JobStatus.DONE)
    return _download(RenderedReport(bytes(job.content or b""), CONTENT_TYPES[job.fmt], job.filename))


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


@login_required
def templates_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Planning-Finance: the agency's report templates — download, edit in Word, upload, or go back
    to the default."""
    agencies = list(template_agencies(request.user))
    if not agencies:
        raise Http404
    if request.method == "POST":
        agency = template_agency(request.user, _int(request.POST.get("agency")))
        kind = request.POST.get("kind") or ""
        if kind not in TemplateKind.values:
            raise Http404
        if request.POST.get("action") == "reset":
            if template_reset(organisation=agency, kind=kind):
                messages.success(request, _("Đã trở lại mẫu mặc định."))
        else:
            upload = request.FILES.get("file")
            if (
                upload is None
                or isinstance(upload, OversizeUpload)
                or (upload.size or 0) > MAX_TEMPLATE_BYTES
            ):
                messages.error(request, _("Hãy chọn tệp mẫu .docx (tối đa 5 MB)."))
            else:
                try:
                    template_save(
                        user=request.user,
                        organisation=agency,
                        kind=kind,
                        content=upload.read(),
                        name=upload.name or "",
                    )
                    messages.success(request, _("Đã lưu mẫu mới; các báo cáo từ nay dùng mẫu này."))
                except TemplateProblem as exc:
                    messages.error(request, exc.localized_message)
        return redirect("documents:templates")
    kept = {
        (t.organisation_id, t.kind): t
        for t in ReportTemplate.objects.filter(organisation__in=agencies)
        .select_related("uploaded_by")
        .defer("content")
    }
    rows = [
        {"agency": agency, "kind": kind, "label": label, "own": kept.get((agency.pk, kind))}
        for agency in agencies
        for kind, label in TemplateKind.choices
    ]
    return render(
        request,
        "documents/templates.html",
        {
            "rows": rows,
            "placeholders": {label: PLACEHOLDERS[TemplateKind(kind)] for kind, label in TemplateKind.choices},
        },
    )


@login_required
def template_download(request: AuthenticatedHttpRequest, agency_pk: int, kind: str) -> HttpResponse:
    """The template in force (or, with ?default=1, the default) as a .docx to edit in Word."""
    agency = template_agency(request.user, agency_pk)
    if kind not in TemplateKind.values:
        raise Http404
    own = None if request.GET.get("default") else template_in_force(agency.pk, kind)
    content = own if own is not None else default_template(kind)
    name = f"mau-bao-cao-{'ky' if kind == TemplateKind.PERIOD else 'don-vi'}{'' if own else '-mac-dinh'}.docx"
    return _download(RenderedReport(content=content, content_type=CONTENT_TYPES["docx"], filename=name))


def _int(value: str | None) -> int:
    return int(value) if value and value.isdigit() else 0
