"""Plans: list, detail, export as plan JSON, import from a plan JSON or a document file, activate."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from ninja import File, Form, Query, Router, Status, UploadedFile

from nhiemvu.ingest.parsing import ExtractionError
from nhiemvu.ingest.selectors import import_default_issuer, import_issuer_choices, user_may_import
from nhiemvu.ingest.services import plan_extract_upload, plan_import_commit
from nhiemvu.lib.plan_json import PlanJSON
from nhiemvu.organisations.models import Organisation
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Plan
from nhiemvu.plans.selectors import plan_findings, plan_get, plan_list
from nhiemvu.reporting import access
from nhiemvu.reporting import services as reporting_services

from ..builders import plan_detail_out, plan_out
from ..errors import NOT_FOUND, ApiError
from ..export import plan_export
from ..files import upload_name
from ..pagination import paginate
from ..schemas import Id, Page, PlanDetailOut, PlanFilter, PlanImportIn, PlanImportOut, PlanOut
from .common import READ_ERRORS, WRITE_ERRORS, ApiRequest

router = Router(tags=["plans"])


def _detail(request: ApiRequest, pk: int) -> dict[str, Any]:
    plan = plan_list(request.user).select_related("compiler").get(pk=pk)
    return plan_detail_out(plan, list(plan_findings(plan)))


@router.get("/plans", response={200: Page[PlanOut], **READ_ERRORS})
def plan_index(request: ApiRequest, filters: Query[PlanFilter]) -> dict[str, Any]:
    plans = plan_list(request.user).order_by("-year", "title", "pk")
    plans = filters.filter(plans)
    return paginate(request, plans, filters, lambda rows: [plan_out(p) for p in rows])


def _importer_check(request: ApiRequest) -> None:
    # The web answers 404 to anyone but Planning-Finance on the import pages; so does the API.
    if not user_may_import(request.user):
        raise ApiError(404, *NOT_FOUND)


def _issuer(request: ApiRequest, issuer_id: int | None) -> Organisation:
    if issuer_id is None:
        issuer = import_default_issuer(request.user)
    else:
        issuer = import_issuer_choices(request.user).filter(pk=issuer_id).first()
    if issuer is None:
        raise ApiError(
            422,
            "invalid_issuer",
            "Cơ quan ban hành không có hoặc nằm ngoài phạm vi của bạn.",
            "The issuer does not exist or is outside your scope.",
        )
    return issuer


def _update_target(request: ApiRequest, plan_id: int | None) -> Plan | None:
    if plan_id is None:
        return None
    scope = access_scope(request.user)
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None or not access.may_manage_periods(scope, plan.issuer_id):
        raise ApiError(
            422,
            "invalid_update_plan",
            "Kế hoạch cần cập nhật không có hoặc không do đơn vị bạn quản lý.",
            "The plan to update does not exist or is not yours to update.",
        )
    return plan


def _import_response(request: ApiRequest, plan: Plan, created: bool) -> Status[dict[str, Any]]:
    return Status(201 if created else 200, {"plan": _detail(request, plan.pk), "created": created})


@router.post(
    "/plans/import",
    response={200: PlanImportOut, 201: PlanImportOut, **WRITE_ERRORS},
    summary="Import a plan JSON (201), or replace an existing plan's content with `update_plan` (200)",
)
def plan_import(request: ApiRequest, payload: PlanImportIn) -> Status[dict[str, Any]]:
    _importer_check(request)
    issuer = _issuer(request, payload.issuer)
    update_plan = _update_target(request, payload.update_plan)
    decisions = payload.decisions.model_dump() if payload.decisions else None
    with transaction.atomic():
        plan = plan_import_commit(
            plan_json=payload.plan.model_dump(mode="json", by_alias=True),
            issuer=issuer,
            user=request.user,
            update_plan=update_plan,
            decisions=decisions,
        )
    return _import_response(request, plan, created=update_plan is None)


@router.post(
    "/plans/import/file",
    response={200: PlanImportOut, 201: PlanImportOut, **WRITE_ERRORS},
    summary="Extract a plan from a .docx, .pdf, .txt or .md file and import it",
)
def plan_import_file(
    request: ApiRequest,
    file: File[UploadedFile],
    issuer: Form[Id | None] = None,
    update_plan: Form[Id | None] = None,
) -> Status[dict[str, Any]]:
    _importer_check(request)
    organisation = _issuer(request, issuer)
    target = _update_target(request, update_plan)
    # The name only hints at the type and names the stored copy.
    name = upload_name(file, default="plan", max_length=200)
    limit = settings.MAX_UPLOAD_BYTES
    if (file.size or 0) > limit:  # before a byte is read
        raise ExtractionError(
            "too_large",
            f"Tệp quá lớn; giới hạn là {limit // (1024 * 1024)} MB",
            f"The file is too large; the limit is {limit // (1024 * 1024)} MB",
        )
    data = file.read()
    try:
        plan_json = plan_extract_upload(data, name)
    except ExtractionError as exc:
        if exc.code != "background":
            raise
        # A scan or a .doc is read by the background worker, which the web import follows.
        raise ExtractionError(
            "background",
            "Tệp là bản scan hoặc định dạng cũ (.doc, .xls…), cần đọc ở chế độ nền: hãy nhập qua trang "
            "Nhập kế hoạch, hoặc gửi bản .docx/.pdf có chữ.",
            "The file is a scan or a legacy format (.doc, .xls…) that is read in the background: import it "
            "through the web's Import page, or send a .docx or a PDF with text.",
        ) from exc
    if not plan_json["tasks"]:
        # The web opens the review so a person can add tasks; the API has no review to open.
        raise ExtractionError(
            "no_tasks",
            "Không tìm thấy nhiệm vụ nào được đánh số trong văn bản; hãy nhập qua trang Nhập kế hoạch để thêm nhiệm vụ.",
            "No numbered tasks were found in the document; import it through the web to add them by hand.",
        )
    plan_json.pop("source_text", None)
    with transaction.atomic():
        plan = plan_import_commit(
            plan_json=plan_json,
            issuer=organisation,
            user=request.user,
            source_name=name,
            source_bytes=data,
            update_plan=target,
        )
    return _import_response(request, plan, created=target is None)


# Registered after /plans/import: Django tries URL patterns in order and `{plan_id}` would take "import".
@router.get("/plans/{plan_id}", response={200: PlanDetailOut, **READ_ERRORS})
def plan_detail(request: ApiRequest, plan_id: Id) -> dict[str, Any]:
    plan_get(request.user, plan_id)
    return _detail(request, plan_id)


@router.get(
    "/plans/{plan_id}/export",
    response={200: PlanJSON, **READ_ERRORS},
    summary="The plan as plan JSON (shared/spec/plan-json.md)",
    by_alias=True,
)
def plan_export_json(request: ApiRequest, plan_id: Id) -> dict[str, Any]:
    plan = plan_get(request.user, plan_id)
    return plan_export(plan)


@router.post(
    "/plans/{plan_id}/activate",
    response={200: PlanDetailOut, **WRITE_ERRORS},
    summary="Start tracking a draft plan: it becomes active and gets its reporting periods",
    description=(
        "Planning-Finance of the issuing department only (anyone else: `404`). Activating an active "
        "plan again changes nothing but adds any period its calendar lacks; a closed plan is "
        "`409 plan_closed`."
    ),
)
def plan_activate(request: ApiRequest, plan_id: Id) -> dict[str, Any]:
    scope = access_scope(request.user)
    plan = plan_get(request.user, plan_id, scope)
    # The web's period page answers 404 to anyone who does not manage the plan's periods.
    if not access.may_manage_periods(scope, plan.issuer_id):
        raise ApiError(404, *NOT_FOUND)
    reporting_services.plan_activate(plan=plan, user=request.user)
    return _detail(request, plan.pk)
