"""Periods, reports (create, update a draft, submit, accept, return), their attachments, obstacles."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from django.shortcuts import get_object_or_404
from ninja import Query, Router, Status

from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.selectors import plans_visible_to
from nhiemvu.reporting import access, services
from nhiemvu.reporting.models import (
    Attachment,
    Obstacle,
    ProgressReport,
    ReportingPeriod,
    ReviewEvent,
    TargetValue,
)
from nhiemvu.reporting.selectors import (
    attachment_open,
    period_get,
    report_get,
    reporting_frequency,
    reports_visible_to,
    task_get,
)
from nhiemvu.reporting.services import ALLOWED_TYPES, ObstacleInput, ReportInput

from ..builders import attachment_out, obstacle_out, period_out, report_out
from ..errors import ApiError
from ..files import upload_name
from ..pagination import paginate
from ..schemas import (
    AttachmentOut,
    DraftIn,
    Id,
    ObstacleAnswerIn,
    ObstacleFilter,
    ObstacleOut,
    Page,
    PageQuery,
    PeriodFilter,
    PeriodOut,
    ReportCreateIn,
    ReportFilter,
    ReportOut,
    ReportUpdateIn,
    ReviewIn,
)
from .common import READ_ERRORS, WRITE_ERRORS, ApiRequest

router = Router(tags=["reporting"])


# Periods -----------------------------------------------------------------------------------------


def _periods(request: ApiRequest) -> QuerySet[ReportingPeriod]:
    return (
        ReportingPeriod.objects.filter(plan__in=plans_visible_to(request.user))
        .select_related("plan")
        .order_by("plan_id", "ends_on", "starts_on", "pk")
    )


def _periods_out(rows: list[ReportingPeriod]) -> list[dict[str, Any]]:
    return [period_out(p, reporting_frequency(p.plan)) for p in rows]


@router.get("/periods", response={200: Page[PeriodOut], **READ_ERRORS})
def period_list(request: ApiRequest, filters: Query[PeriodFilter]) -> dict[str, Any]:
    periods = _periods(request)
    periods = filters.filter(periods)
    return paginate(request, periods, filters, _periods_out)


@router.get("/periods/{period_id}", response={200: PeriodOut, **READ_ERRORS})
def period_detail(request: ApiRequest, period_id: Id) -> dict[str, Any]:
    return _periods_out([period_get(request.user, period_id)])[0]


@router.post("/periods/{period_id}/lock", response={200: PeriodOut, **WRITE_ERRORS})
def period_lock(request: ApiRequest, period_id: Id) -> dict[str, Any]:
    period = services.period_lock(period=period_get(request.user, period_id), user=request.user)
    return _periods_out([period_get(request.user, period.pk)])[0]


@router.post("/periods/{period_id}/unlock", response={200: PeriodOut, **WRITE_ERRORS})
def period_unlock(request: ApiRequest, period_id: Id) -> dict[str, Any]:
    period = services.period_unlock(period=period_get(request.user, period_id), user=request.user)
    return _periods_out([period_get(request.user, period.pk)])[0]


# Reports -----------------------------------------------------------------------------------------


def _reports(request: ApiRequest) -> QuerySet[ProgressReport]:
    return (
        reports_visible_to(request.user)
        .select_related("task", "period")
        .prefetch_related(
            Prefetch("values", queryset=TargetValue.objects.order_by("target_id")),
            Prefetch("obstacles", queryset=Obstacle.objects.select_related("answered_by").order_by("pk")),
            Prefetch("events", queryset=ReviewEvent.objects.order_by("at", "pk")),
            "milestones_met",
        )
        .order_by("pk")
    )


def _report(request: ApiRequest, pk: int) -> dict[str, Any]:
    return report_out(get_object_or_404(_reports(request), pk=pk))


def _input(data: DraftIn, base: ReportInput | None = None, fields: set[str] | None = None) -> ReportInput:
    """The service's input: the payload's fields over `base` (PATCH), or the payload alone."""
    given = ReportInput(
        percent_done=data.percent_done,
        completed_on=data.completed_on,
        narrative=data.narrative,
        proposals=data.proposals,
        values={v.target: (v.actual, v.estimate) for v in data.values},
        obstacles=[ObstacleInput(o.description, o.needs, o.addressed_to) for o in data.obstacles],
        milestones_met=list(dict.fromkeys(data.milestones_met)),
    )
    if base is None or fields is None:
        return given
    for name in fields & set(ReportInput.__dataclass_fields__):
        setattr(base, name, getattr(given, name))
    return base


def _current_input(report: ProgressReport) -> ReportInput:
    return ReportInput(
        percent_done=report.percent_done,
        completed_on=report.completed_on,
        narrative=report.narrative,
        proposals=report.proposals,
        values={v.target_id: (v.actual, v.estimate) for v in report.values.all()},
        obstacles=[ObstacleInput(o.description, o.needs, o.addressed_to) for o in report.obstacles.all()],
        milestones_met=[m.pk for m in report.milestones_met.all()],
    )


@router.get("/reports", response={200: Page[ReportOut], **READ_ERRORS})
def report_list(request: ApiRequest, filters: Query[ReportFilter]) -> dict[str, Any]:
    reports = _reports(request)
    reports = filters.filter(reports)
    return paginate(request, reports, filters, lambda rows: [report_out(r) for r in rows])


@router.get("/reports/{report_id}", response={200: ReportOut, **READ_ERRORS})
def report_detail(request: ApiRequest, report_id: Id) -> dict[str, Any]:
    return _report(request, report_id)


@router.post(
    "/reports",
    response={200: ReportOut, 201: ReportOut, **WRITE_ERRORS},
    summary="Start the unit's report on a task for a period (201), or get its open one (200)",
)
def report_create(request: ApiRequest, payload: ReportCreateIn) -> Status[dict[str, Any]]:
    scope = access_scope(request.user)
    task = task_get(request.user, payload.task, scope)
    period = get_object_or_404(ReportingPeriod, pk=payload.period, plan_id=task.plan_id)
    open_before = set(ProgressReport.objects.filter(task=task, period=period).values_list("pk", flat=True))
    with transaction.atomic():
        report = services.report_start(task=task, period=period, user=request.user, scope=scope)
        if payload.draft is not None:
            report = services.report_save_draft(
                report=report,
                user=request.user,
                revision=report.revision,
                data=_input(payload.draft),
                scope=scope,
            )
    return Status(200 if report.pk in open_before else 201, _report(request, report.pk))


@router.patch(
    "/reports/{report_id}",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Update a draft or returned report; fields left out keep their value",
)
def report_update(request: ApiRequest, report_id: Id, payload: ReportUpdateIn) -> dict[str, Any]:
    scope = access_scope(request.user)
    report = get_object_or_404(_reports(request), pk=report_id)
    data = _input(payload, _current_input(report), set(payload.model_fields_set))
    services.report_save_draft(
        report=report, user=request.user, revision=payload.revision, data=data, scope=scope
    )
    return _report(request, report.pk)


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **WRITE_ERRORS})
def report_submit(request: ApiRequest, report_id: Id) -> dict[str, Any]:
    report = report_get(request.user, report_id)
    services.report_submit(report=report, user=request.user)
    return _report(request, report.pk)


@router.post("/reports/{report_id}/accept", response={200: ReportOut, **WRITE_ERRORS})
def report_accept(request: ApiRequest, report_id: Id, payload: ReviewIn) -> dict[str, Any]:
    report = report_get(request.user, report_id)
    services.report_accept(report=report, user=request.user, comment=payload.comment)
    return _report(request, report.pk)


@router.post(
    "/reports/{report_id}/return",
    response={200: ReportOut, **WRITE_ERRORS},
    summary="Return a submitted report to its unit; the comment (why) is required",
)
def report_return(request: ApiRequest, report_id: Id, payload: ReviewIn) -> dict[str, Any]:
    report = report_get(request.user, report_id)
    if not payload.comment.strip():
        raise ApiError(
            422,
            "comment_required",
            "Trả lại báo cáo cần ghi rõ lý do để đơn vị bổ sung.",
            "Say why the report is returned.",
        )
    services.report_return(report=report, user=request.user, comment=payload.comment)
    return _report(request, report.pk)


# Attachments -------------------------------------------------------------------------------------


def _attachments(request: ApiRequest) -> QuerySet[Attachment]:
    # The web's download page reads through the same filter: the files of the reports one may see.
    return Attachment.objects.filter(report__in=reports_visible_to(request.user)).order_by("pk")


@router.get("/reports/{report_id}/attachments", response={200: Page[AttachmentOut], **READ_ERRORS})
def attachment_list(request: ApiRequest, report_id: Id, page: Query[PageQuery]) -> dict[str, Any]:
    report = report_get(request.user, report_id)
    attachments = Attachment.objects.filter(report=report).order_by("pk")
    return paginate(request, attachments, page, lambda rows: [attachment_out(a) for a in rows])


@router.get("/attachments/{attachment_id}", response={200: AttachmentOut, **READ_ERRORS})
def attachment_detail(request: ApiRequest, attachment_id: Id) -> dict[str, Any]:
    return attachment_out(get_object_or_404(_attachments(request), pk=attachment_id))


BINARY = {"schema": {"type": "string", "format": "binary"}}


@router.get(
    "/attachments/{attachment_id}/file",
    response={**READ_ERRORS},
    summary="The attachment's bytes, as a download under its uploaded name",
    openapi_extra={
        "responses": {
            "200": {
                "description": "The file; `Content-Type` is the type sniffed at upload.",
                "content": {content_type: BINARY for content_type in ALLOWED_TYPES},
            }
        }
    },
)
def attachment_download(request: ApiRequest, attachment_id: Id) -> FileResponse:
    attachment = get_object_or_404(_attachments(request), pk=attachment_id)
    return FileResponse(
        attachment_open(attachment),  # a file lost from storage: 404 attachment_file_missing
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


@router.post(
    "/reports/{report_id}/attachments",
    response={201: AttachmentOut, **WRITE_ERRORS},
    summary="Attach a file (PDF, .docx, .xlsx, PNG, JPEG) to a draft or returned report",
    description=(
        "`multipart/form-data` with one `file`. The type is sniffed from the content; files larger "
        "than the attachment limit, of another type, or zips that expand a hundredfold are "
        "`422 attachment_refused`. An accepted report is `409 accepted_report_frozen`: start a "
        "correction (`POST /reports`) and attach the file to it."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "properties": {"file": {"type": "string", "format": "binary"}},
                    }
                }
            },
        }
    },
)
def attachment_upload(request: ApiRequest, report_id: Id) -> Status[dict[str, Any]]:
    # The file is read here rather than declared as a parameter: a declared one is validated
    # before the report is looked up, and another unit's report must be a 404 whatever was sent.
    file = request.FILES.get("file")
    scope = access_scope(request.user)
    report = report_get(request.user, report_id, scope)
    # Before the file checks: the unit's own accepted report is a 409 whatever was sent.
    if access.may_write_for(scope, report.organisation_id):
        services.refuse_accepted(report)
    if file is None:
        raise ApiError(
            422,
            "file_required",
            "Hãy chọn tệp cần đính kèm (trường «file»).",
            "Send the file in the `file` field.",
        )
    name = upload_name(file, default="tep", max_length=255)  # it only labels the file
    # Its size is checked before a byte is read (a file past every limit arrived without its bytes).
    [(_, data)] = services.attachment_uploads_read([file])
    attachment = services.attachment_add(report=report, user=request.user, name=name, data=data, scope=scope)
    return Status(201, attachment_out(attachment))


# Obstacles ---------------------------------------------------------------------------------------


def _obstacles(request: ApiRequest) -> QuerySet[Obstacle]:
    return (
        Obstacle.objects.filter(report__in=reports_visible_to(request.user))
        .select_related("report", "answered_by")
        .order_by("pk")
    )


@router.get("/obstacles", response={200: Page[ObstacleOut], **READ_ERRORS})
def obstacle_list(request: ApiRequest, filters: Query[ObstacleFilter]) -> dict[str, Any]:
    obstacles = _obstacles(request)
    obstacles = filters.filter(obstacles)
    return paginate(request, obstacles, filters, lambda rows: [obstacle_out(o) for o in rows])


@router.get("/obstacles/{obstacle_id}", response={200: ObstacleOut, **READ_ERRORS})
def obstacle_detail(request: ApiRequest, obstacle_id: Id) -> dict[str, Any]:
    return obstacle_out(get_object_or_404(_obstacles(request), pk=obstacle_id))


@router.post(
    "/obstacles/{obstacle_id}/answer",
    response={200: ObstacleOut, **WRITE_ERRORS},
    summary="The leader's direction on an obstacle of a submitted or accepted report; again replaces it",
)
def obstacle_answer(request: ApiRequest, obstacle_id: Id, payload: ObstacleAnswerIn) -> dict[str, Any]:
    obstacle = services.obstacle_answer(
        obstacle=get_object_or_404(_obstacles(request), pk=obstacle_id),
        user=request.user,
        answer=payload.answer,
        resolved=payload.resolved,
    )
    return obstacle_out(obstacle)
