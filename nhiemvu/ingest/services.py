"""Writes of the plan import: stage an extracted plan, then commit it into the plans app.

`plan_import_commit` is the one door from a plan JSON (`shared/spec/plan-json.md`) to rows:
it checks the whole JSON first, then writes everything in one transaction, so a bad target
in the last task leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone

from nhiemvu.core.antivirus import UNAVAILABLE_EN, UNAVAILABLE_VI, ScanUnavailable, virus_found
from nhiemvu.core.errors import DomainError
from nhiemvu.core.services import validated_save
from nhiemvu.lib.plan_json import DocumentIn, PersonIn, PlanJSONIn, ReportingIn, ValidationError
from nhiemvu.lib.vntext import nfc
from nhiemvu.organisations.models import Official, Organisation, OrganisationKind
from nhiemvu.organisations.selectors import organisation_parent_map
from nhiemvu.plans.models import (
    Change,
    Comparator,
    DocumentKind,
    Finding,
    FindingStatus,
    Frequency,
    Milestone,
    Plan,
    PlanKind,
    PlanStatus,
    PlanTarget,
    Recurrence,
    SourceDocument,
    Target,
    Task,
)

from .matching import OfficialMatcher, OrganisationMatcher, guess_kind, looks_outside
from .models import ImportSession, ImportStatus
from .parsing import ExtractionError
from .parsing.bounded import extract_bounded
from .selectors import may_import_for, plan_find_existing

logger = logging.getLogger(__name__)

NEW = "new"
EXTERNAL = "external"  # a decision: record the name as an outside body, not a unit of the agency


class PlanImportError(DomainError):
    """The plan JSON cannot be imported as it stands; the message says what to fix."""

    code = "plan_import_invalid"


class InvalidDateError(PlanImportError):
    code = "invalid_date"


class InvalidTargetError(PlanImportError):
    code = "invalid_target"


class DuplicateTaskCodeError(PlanImportError):
    code = "duplicate_task_code"


class UnknownParentError(PlanImportError):
    code = "unknown_parent"


class DuplicatePlanError(PlanImportError):
    """The document was imported before: the caller must ask for an update instead."""

    code = "duplicate_plan"

    def __init__(self, plan: Plan) -> None:
        super().__init__(
            f"Văn bản này đã được nhập thành kế hoạch «{plan.title}» (#{plan.pk}). "
            "Hãy chọn cập nhật kế hoạch đã có thay vì tạo kế hoạch mới.",
            message_en=f"This document was already imported as plan #{plan.pk}; update that plan instead.",
        )
        self.plan = plan


class DocumentTakenError(PlanImportError):
    """The document is the basis of a plan of another body: the plan cannot be imported twice."""

    code = "document_taken"

    def __init__(self, number: str, issued_on: dt.date | None) -> None:
        day = f" ngày {issued_on:%d/%m/%Y}" if issued_on else ""
        day_en = f" of {issued_on:%d/%m/%Y}" if issued_on else ""
        super().__init__(
            f"Văn bản số {number}{day} đã được nhập thành kế hoạch của một cơ quan khác. "
            "Nếu đây là kế hoạch của cơ quan mình, hãy liên hệ quản trị hệ thống.",
            message_en=f"Document {number}{day_en} is already another body's plan; ask the administrators.",
        )


class IssuerNotAllowedError(PlanImportError):
    """A plan is imported in the importer's own name: their department or one of its units."""

    code = "invalid_issuer"

    def __init__(self) -> None:
        super().__init__(
            "Chỉ được nhập kế hoạch của chính cơ quan mình (sở và các đơn vị trực thuộc).",
            message_en="You may import plans only for your own department and its units.",
        )


def refuse_foreign_issuer(user: Any, issuer: Organisation) -> None:
    """The web, the API and every service share this rule; the console (`user` None) is the operator's."""
    if user is not None and not may_import_for(user, issuer):
        raise IssuerNotAllowedError()


class ImportSessionClosedError(DomainError):
    code = "import_session_closed"


def plan_extract_upload(data: bytes, file_name: str) -> dict[str, Any]:
    """The plan JSON of a file uploaded through the web or the API, scanned for viruses when
    CLAMD_SOCKET is set, then read in a child process within EXTRACT_SECONDS and EXTRACT_MEMORY_MB
    (`parsing.bounded`); ExtractionError says why not."""
    try:
        virus = virus_found(data)
    except ScanUnavailable as exc:
        raise ExtractionError("scan_unavailable", UNAVAILABLE_VI, UNAVAILABLE_EN) from exc
    if virus:
        raise ExtractionError(
            "infected",
            f"Phần mềm diệt virus phát hiện mã độc trong tệp ({virus}); tệp không được lưu.",
            f"The file was found to carry malware ({virus}); it was not saved.",
        )
    return extract_bounded(
        data,
        file_name,
        max_bytes=settings.MAX_UPLOAD_BYTES,
        seconds=settings.EXTRACT_SECONDS,
        memory_mb=settings.EXTRACT_MEMORY_MB,
    )


def _job_seconds() -> int:
    """The whole budget of a background read: every page of the longest scan allowed."""
    return settings.EXTRACT_SECONDS + settings.OCR_MAX_PAGES * settings.OCR_PAGE_SECONDS


@transaction.atomic
def import_session_queue(
    *,
    user: Any,
    issuer: Organisation,
    file_name: str,
    data: bytes,
    plan_kind: str = PlanKind.PLAN,
) -> ImportSession:
    """Keep a file the quick path could not read (a scan, a .doc, an .xlsx needing LibreOffice) for
    a background job; the caller enqueues ``tasks.read_import`` once this has committed."""
    return _new_session(user, issuer, file_name, data, status=ImportStatus.PROCESSING, plan_kind=plan_kind)


def _new_session(
    user: Any, issuer: Organisation, file_name: str, data: bytes, **fields: Any
) -> ImportSession:
    refuse_foreign_issuer(user, issuer)
    session = ImportSession(
        created_by=user,
        issuer=issuer,
        file_name=file_name[:255],
        file_bytes=data,
        content_hash=content_hash(data),
        **fields,
    )
    session.full_clean()
    session.save()
    return session


def _read_fields(plan_json: dict[str, Any]) -> dict[str, Any]:
    """An extracted plan as a session's fields: the bulky source text and a scan's recognition
    report are kept apart from the plan JSON the review edits."""
    plan_json = dict(plan_json)
    return {
        "source_text": plan_json.pop("source_text", None) or "",
        "ocr_pages": (plan_json.pop("ocr", None) or {}).get("pages") or [],
        "plan_json": plan_json,
    }


def import_session_read(*, session_id: int) -> ImportStatus | None:
    """The background job: read a queued file (recognising its pages, converting it), page by page
    reporting progress, and leave the session PENDING for review or FAILED with the reason. Never
    leaves it PROCESSING: any error is recorded as a failure. None if there was nothing to do (the
    import was cancelled meanwhile, or another worker read it)."""
    session = ImportSession.objects.filter(pk=session_id, status=ImportStatus.PROCESSING).first()
    if session is None:
        return None

    def progress(done: int, total: int) -> None:
        ImportSession.objects.filter(pk=session_id, status=ImportStatus.PROCESSING).update(
            progress_done=done, progress_total=total, updated_at=timezone.now()
        )

    try:
        plan_json = extract_bounded(
            bytes(session.file_bytes),
            session.file_name,
            max_bytes=settings.MAX_UPLOAD_BYTES,
            seconds=_job_seconds(),
            memory_mb=max(settings.EXTRACT_MEMORY_MB, settings.OCR_MEMORY_MB),
            max_pages=settings.OCR_MAX_PAGES,
            progress=progress,
        )
    except ExtractionError as exc:
        failure = {"code": exc.code, "vi": exc.message_vi, "en": exc.message_en}
        return _import_session_finish(session_id, failure=failure)
    except Exception:  # a bug must not leave the import "being read" for ever
        logger.exception("background read of import %s failed", session_id)
        failure = {
            "code": "error",
            "vi": "Lỗi xử lý khi đọc tệp; hãy thử lại hoặc báo quản trị viên",
            "en": "The file could not be read because of an error; try again or tell the administrator",
        }
        return _import_session_finish(session_id, failure=failure)
    return _import_session_finish(session_id, plan_json=plan_json)


@transaction.atomic
def _import_session_finish(
    session_id: int, *, plan_json: dict[str, Any] | None = None, failure: dict[str, str] | None = None
) -> ImportStatus | None:
    session = (
        ImportSession.objects.select_for_update()
        .filter(pk=session_id, status=ImportStatus.PROCESSING)
        .first()
    )
    if session is None:
        return None  # cancelled while it was being read
    if plan_json is None:
        session.status = ImportStatus.FAILED
        session.failure = failure or {}
        session.save(update_fields=["status", "failure", "updated_at"])
        return ImportStatus.FAILED
    for name, value in _read_fields(plan_json).items():
        setattr(session, name, value)
    session.status = ImportStatus.PENDING
    session.progress_done = session.progress_total = max(session.progress_total, len(session.ocr_pages))
    session.full_clean()
    session.save()
    return ImportStatus.PENDING


@transaction.atomic
def import_session_retry(*, session: ImportSession) -> ImportSession:
    """Read a failed or stalled import again (the caller enqueues the job)."""
    session = ImportSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in {ImportStatus.PROCESSING, ImportStatus.FAILED}:
        raise ImportSessionClosedError(
            "Lượt nhập này đã được xử lý.", message_en="This import has already been read or closed."
        )
    session.status = ImportStatus.PROCESSING
    session.progress_done = session.progress_total = 0
    session.failure = {}
    session.save(update_fields=["status", "progress_done", "progress_total", "failure", "updated_at"])
    return session


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- reading the JSON: every check before the first write ----------------------------------------


@dataclass
class _Target:
    name: str
    unit: str
    comparator: str
    value: Decimal
    max_value: Decimal | None
    change: str


@dataclass
class _PlanTarget(_Target):
    lead_unit: str = ""


@dataclass
class _Milestone:
    due: dt.date | None
    text: str
    value: Decimal | None
    unit: str


@dataclass
class _Task:
    code: str
    parent: str | None
    title: str
    excerpt: str
    leader_name: str
    leader_title: str
    lead_unit: str
    support_units: list[str]
    deadline: dt.date | None
    recurrence: str
    targets: list[_Target] = field(default_factory=list)
    milestones: list[_Milestone] = field(default_factory=list)


@dataclass
class _Reference:
    number: str
    date: dt.date | None


@dataclass
class _Finding:
    code: str
    task: str | None
    excerpt: str
    message: str


@dataclass
class _Plan:
    kind: str
    number: str
    symbol: str
    issuer_name: str
    place: str
    issued_on: dt.date | None
    year: int
    title: str
    signer_name: str
    signer_title: str
    references: list[_Reference]
    tasks: list[_Task]
    compiler: str
    frequencies: list[str]
    recipients: list[str]
    findings: list[_Finding]
    targets: list[_PlanTarget] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    return " ".join(nfc(str(value)).split())


def _target(raw: Any, where: str, where_en: str) -> _Target:
    name = _text(raw.name)
    if not name:
        raise InvalidTargetError(
            f"{where}: chỉ tiêu chưa có tên.", message_en=f"{where_en}: the target has no name."
        )
    comparator = _text(raw.comparator) or Comparator.EQ
    if comparator not in Comparator.values:
        raise InvalidTargetError(
            f"{where}: phép so sánh «{comparator}» không hợp lệ.",
            message_en=f"{where_en}: unknown comparator {comparator!r}.",
        )
    value, maximum = raw.value, raw.max
    if value is None:
        raise InvalidTargetError(f"{where}: thiếu giá trị.", message_en=f"{where_en}: the value is missing.")
    if comparator == Comparator.RANGE:
        if maximum is None:
            raise InvalidTargetError(
                f"{where}: chỉ tiêu dạng khoảng cần giá trị tối đa.",
                message_en=f"{where_en}: a range target needs a maximum.",
            )
        if maximum <= value:
            raise InvalidTargetError(
                f"{where}: giá trị tối đa ({maximum}) phải lớn hơn giá trị tối thiểu ({value}).",
                message_en=f"{where_en}: the maximum must be above the minimum.",
            )
    elif maximum is not None:
        raise InvalidTargetError(
            f"{where}: chỉ chỉ tiêu dạng khoảng mới có giá trị tối đa.",
            message_en=f"{where_en}: only a range target has a maximum.",
        )
    change = _text(raw.change)
    if change not in Change.values:
        raise InvalidTargetError(
            f"{where}: loại thay đổi «{change}» không hợp lệ.",
            message_en=f"{where_en}: unknown change {change!r}.",
        )
    return _Target(
        name=name, unit=_text(raw.unit), comparator=comparator, value=value, max_value=maximum, change=change
    )


def _where(plan_json: dict[str, Any], loc: tuple[Any, ...]) -> tuple[str, str]:
    """A place in the plan JSON as the importer's messages name it: «Nhiệm vụ 1.2, chỉ tiêu 3»."""
    head, *rest = [*loc, None, None, None, None]
    if head == "document" and rest[0] is None:
        return "Văn bản", "Document"
    if head == "document":
        return {
            "issued_on": ("Ngày ban hành", "Issue date"),
            "year": ("Năm kế hoạch", "The plan year"),
            "title": ("Trích yếu", "Title"),
            "signer": ("Người ký", "Signer"),
        }.get(str(rest[0]), (f"Văn bản, mục «{rest[0]}»", f"Document, {rest[0]}"))
    if head == "references" and isinstance(rest[0], int):
        return f"Văn bản dẫn chiếu {rest[0] + 1}", f"Reference {rest[0] + 1}"
    if head == "tasks" and isinstance(rest[0], int):
        tasks = plan_json.get("tasks") or []
        raw = tasks[rest[0]] if rest[0] < len(tasks) and isinstance(tasks[rest[0]], dict) else {}
        code = _text(raw.get("code")).rstrip(".") or f"thứ {rest[0] + 1}"
        where, where_en = f"Nhiệm vụ {code}", f"Task {code}"
        if rest[1] == "deadline":
            return f"{where}: thời hạn", f"{where_en}: deadline"
        if rest[1] == "targets" and isinstance(rest[2], int):
            return f"{where}, chỉ tiêu {rest[2] + 1}", f"{where_en}, target {rest[2] + 1}"
        if rest[1] == "milestones" and isinstance(rest[2], int):
            return f"{where}, mốc {rest[2] + 1}", f"{where_en}, milestone {rest[2] + 1}"
        return where, where_en
    if head == "findings" and isinstance(rest[0], int):
        return f"Phát hiện {rest[0] + 1}", f"Finding {rest[0] + 1}"
    path = ".".join(str(p) for p in loc)
    return f"Mục «{path}»", path


def schema_refusal(plan_json: dict[str, Any], exc: ValidationError) -> PlanImportError:
    """The first problem the plan JSON schema found, as the importer's bilingual message."""
    error = exc.errors(include_url=False)[0]
    loc = tuple(error["loc"])
    value, kind, ctx = error.get("input"), error["type"], error.get("ctx") or {}
    where, where_en = _where(plan_json, loc)
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if field in ("issued_on", "date", "deadline", "due"):
        return InvalidDateError(
            f"{where}: ngày «{value}» không hợp lệ (cần dạng NNNN-TT-NN).",
            message_en=f"{where_en}: {value!r} is not a valid date (YYYY-MM-DD).",
        )
    if loc == ("document", "year"):
        return PlanImportError(
            f"Năm kế hoạch «{value}» không hợp lệ (cần trong khoảng 2000–2100).",
            message_en=f"The plan year {value!r} is not valid (2000–2100).",
            code="invalid_year",
        )
    if field in ("value", "max") and len(loc) > 2:
        if kind == "greater_than_equal":
            return InvalidTargetError(
                f"{where}: giá trị không được âm ({value}).",
                message_en=f"{where_en}: the value must not be negative.",
            )
        if kind.startswith("decimal_max") or kind == "decimal_whole_digits":
            return InvalidTargetError(
                f"{where}: «{value}» có quá nhiều chữ số.",
                message_en=f"{where_en}: {value!r} has too many digits.",
            )
        return InvalidTargetError(
            f"{where}: «{value}» không phải là một số.", message_en=f"{where_en}: {value!r} is not a number."
        )
    if kind == "missing":
        return PlanImportError(
            f"{where}: thiếu mục «{field}».", message_en=f"{where_en}: the key {field!r} is missing."
        )
    if kind in ("string_too_long", "too_long"):
        what = "ký tự" if kind == "string_too_long" else "mục"
        return PlanImportError(
            f"{where}: quá dài (tối đa {ctx.get('max_length')} {what}).",
            message_en=f"{where_en}: {error['msg']}.",
        )
    return PlanImportError(
        f"{where}: dữ liệu không hợp lệ ({'sai kiểu' if kind.endswith('_type') else kind}).",
        message_en=f"{where_en}: {error['msg']}.",
    )


def _read(plan_json: dict[str, Any]) -> _Plan:
    """The plan JSON read through its schema (nhiemvu.lib.plan_json) and checked; raises a
    PlanImportError naming the first problem."""
    if not isinstance(plan_json, dict):
        raise PlanImportError("Dữ liệu kế hoạch không hợp lệ.", message_en="The plan data is not an object.")
    try:
        parsed = PlanJSONIn.model_validate(plan_json)
    except ValidationError as e:
        raise schema_refusal(plan_json, e) from None
    document = parsed.document or DocumentIn()
    issued_on = document.issued_on
    year = document.year or (issued_on.year if issued_on else None)
    if year is None or not 2000 <= year <= 2100:
        raise PlanImportError(
            f"Năm kế hoạch «{year}» không hợp lệ (cần trong khoảng 2000–2100).",
            message_en=f"The plan year {year!r} is not valid (2000–2100).",
            code="invalid_year",
        )
    plan_title = _text(document.title)
    if not plan_title:
        raise PlanImportError(
            "Kế hoạch chưa có tên (trích yếu).", message_en="The plan has no title.", code="no_title"
        )
    kind = _text(document.kind)
    signer = document.signer or PersonIn()

    references: list[_Reference] = []
    seen_refs: set[tuple[str, dt.date | None]] = set()
    for ref in parsed.references:
        number = _text(ref.number)
        if number and (number, ref.date) not in seen_refs:
            seen_refs.add((number, ref.date))
            references.append(_Reference(number=number, date=ref.date))

    tasks: list[_Task] = []
    codes: set[str] = set()
    for i, raw in enumerate(parsed.tasks, start=1):
        code = _text(raw.code).rstrip(".")
        if not code:
            raise PlanImportError(
                f"Nhiệm vụ thứ {i} chưa có số thứ tự.",
                message_en=f"Task #{i} has no code.",
                code="no_task_code",
            )
        if code in codes:
            raise DuplicateTaskCodeError(
                f"Số thứ tự nhiệm vụ «{code}» bị trùng.", message_en=f"The task code {code!r} appears twice."
            )
        codes.add(code)
        where, where_en = f"Nhiệm vụ {code}", f"Task {code}"
        title = _text(raw.title)
        if not title:
            raise PlanImportError(
                f"{where}: chưa có nội dung nhiệm vụ.",
                message_en=f"{where_en}: no title.",
                code="no_task_title",
            )
        leader = raw.leader or PersonIn()
        recurrence = _text(raw.recurrence)
        if recurrence not in Recurrence.values:
            raise PlanImportError(
                f"{where}: kiểu lặp lại «{recurrence}» không hợp lệ.",
                message_en=f"{where_en}: unknown recurrence {recurrence!r}.",
                code="invalid_recurrence",
            )
        task = _Task(
            code=code,
            parent=_text(raw.parent).rstrip(".") or None,
            title=title,
            excerpt=_text(raw.excerpt),
            leader_name=_text(leader.name),
            leader_title=_text(leader.title),
            lead_unit=_text(raw.lead_unit),
            support_units=_unique(_text(u) for u in raw.support_units),
            deadline=raw.deadline,
            recurrence=recurrence,
        )
        for j, target in enumerate(raw.targets, start=1):
            task.targets.append(_target(target, f"{where}, chỉ tiêu {j}", f"{where_en}, target {j}"))
        for j, milestone in enumerate(raw.milestones, start=1):
            text = _text(milestone.text)
            if not text:
                raise PlanImportError(
                    f"{where}, mốc {j}: chưa có nội dung.",
                    message_en=f"{where_en}, milestone {j}: no text.",
                    code="no_milestone_text",
                )
            task.milestones.append(
                _Milestone(due=milestone.due, text=text, value=milestone.value, unit=_text(milestone.unit))
            )
        tasks.append(task)

    parents = {t.code: t.parent for t in tasks}
    for task in tasks:
        if task.parent is not None and task.parent not in parents:
            raise UnknownParentError(
                f"Nhiệm vụ {task.code}: không có nhiệm vụ cha «{task.parent}».",
                message_en=f"Task {task.code}: its parent {task.parent!r} is not in the plan.",
            )
        seen = {task.code}
        up = task.parent
        while up is not None:
            if up in seen:
                raise UnknownParentError(
                    f"Nhiệm vụ {task.code}: quan hệ cha – con bị vòng lặp.",
                    message_en=f"Task {task.code}: its parents form a cycle.",
                )
            seen.add(up)
            up = parents.get(up)

    reporting = parsed.reporting or ReportingIn()
    frequencies = _unique(_text(f) for f in reporting.frequencies)
    unknown = [f for f in frequencies if f not in Frequency.values]
    if unknown:
        raise PlanImportError(
            f"Tần suất báo cáo không hợp lệ: {', '.join(unknown)}.",
            message_en=f"Unknown reporting frequencies: {', '.join(unknown)}.",
            code="invalid_frequency",
        )
    findings = [
        _Finding(
            code=_text(f.code) or "other",
            task=_text(f.task).rstrip(".") or None,
            excerpt=_text(f.excerpt),
            message=_text(f.message) or _text(f.code) or "—",
        )
        for f in parsed.findings
    ]
    return _Plan(
        kind=kind if kind in DocumentKind.values else DocumentKind.OTHER,
        number=_text(document.number),
        symbol=_text(document.symbol),
        issuer_name=_text(document.issuer),
        place=_text(document.place),
        issued_on=issued_on,
        year=year,
        title=plan_title,
        signer_name=_text(signer.name),
        signer_title=_text(signer.title),
        references=references,
        tasks=tasks,
        compiler=_text(reporting.compiler),
        frequencies=frequencies,
        recipients=_unique(_text(r) for r in parsed.recipients),
        findings=findings,
        targets=[
            _PlanTarget(
                **vars(_target(raw, f"Chỉ tiêu chung {j}", f"Plan target {j}")),
                lead_unit=_text(raw.lead_unit),
            )
            for j, raw in enumerate(parsed.targets, start=1)
        ],
    )


def _unique(items: Iterable[str]) -> list[str]:
    out: list[str] = []
    for item in items:
        if item and item not in out:
            out.append(item)
    return out


# --- writing --------------------------------------------------------------------------------------


def _save(obj: models.Model, where: str, where_en: str, **clean: Any) -> None:
    validated_save(obj, error=PlanImportError, where=where, where_en=where_en, **clean)


# Bodies that stand beside a department rather than under it (another Sở, a district's or the
# province's People's Committee) go under the issuer's parent; everything else under the issuer.
_PEER_KINDS = {OrganisationKind.DEPARTMENT, OrganisationKind.DISTRICT, OrganisationKind.PROVINCE_COMMITTEE}


@dataclass
class _Resolver:
    """Names → rows for one import, honouring the review screen's decisions, creating what is missing."""

    issuer: Organisation
    organisations: OrganisationMatcher
    officials: OfficialMatcher
    org_decisions: dict[str, Any]
    official_decisions: dict[str, Any]
    _org_cache: dict[str, Organisation] = field(default_factory=dict)
    _official_cache: dict[str, Official] = field(default_factory=dict)

    def organisation(self, name: str) -> Organisation | None:
        if not name:
            return None
        if name in self._org_cache:
            return self._org_cache[name]
        decision = self.org_decisions.get(name)
        org: Organisation | None = None
        if decision not in (None, "", NEW, EXTERNAL):
            org = self.organisations.organisations.get(_int(decision))
            if org is None:
                raise PlanImportError(
                    f"Đơn vị được chọn cho «{name}» không thuộc hệ thống của {self.issuer}.",
                    message_en=f"The organisation chosen for {name!r} is not in the issuer's tree.",
                    code="invalid_decision",
                )
        elif decision not in (NEW, EXTERNAL):
            org = self.organisations.match(name)
        if org is None:
            outside = decision == EXTERNAL or (decision is None and looks_outside(name, guess_kind(name)))
            org = self._create_external(name) if outside else self._create_organisation(name)
        self._org_cache[name] = org
        return org

    def _create_external(self, name: str) -> Organisation:
        """An outside body, filed at the top of the tree (the province) as a partner, not a unit."""
        root = self.issuer
        while root.parent is not None:
            root = root.parent
        existing = Organisation.objects.filter(parent=root, name=name, kind=OrganisationKind.EXTERNAL).first()
        if existing is not None:
            return existing
        org = Organisation(parent=root, name=name[:255], kind=OrganisationKind.EXTERNAL)
        _save(org, f"Cơ quan ngoài «{name}»", f"Outside body {name!r}")
        self.organisations.add(org)
        return org

    def _create_organisation(self, name: str) -> Organisation:
        kind = guess_kind(name)
        parent = self.issuer
        if (
            kind in _PEER_KINDS
            and self.issuer.parent_id is not None
            and self.issuer.kind == OrganisationKind.DEPARTMENT
        ):
            parent = self.issuer.parent  # type: ignore[assignment]  # parent_id checked just above
        existing = Organisation.objects.filter(parent=parent, name=name).first()
        if existing is not None:
            # "Create new" for a name already under this parent: the database allows one, use it.
            return existing
        org = Organisation(parent=parent, name=name[:255], kind=kind)
        _save(org, f"Đơn vị «{name}»", f"Organisation {name!r}")
        self.organisations.add_near(org) if parent == self.issuer else self.organisations.add(org)
        return org

    def official(self, name: str, title: str) -> Official | None:
        if not name:
            return None
        if name in self._official_cache:
            return self._official_cache[name]
        decision = self.official_decisions.get(name)
        official: Official | None = None
        if decision not in (None, "", NEW):
            official = self.officials.officials.get(_int(decision))
            if official is None:
                raise PlanImportError(
                    f"Cán bộ được chọn cho «{name}» không thuộc hệ thống của {self.issuer}.",
                    message_en=f"The official chosen for {name!r} is not in the issuer's tree.",
                    code="invalid_decision",
                )
        elif decision != NEW:
            official = self.officials.match(name)
        if official is None:
            official = Official.objects.filter(organisation=self.issuer, full_name=name).first()
        if official is None:
            official = Official(full_name=name[:120], position=title[:160], organisation=self.issuer)
            _save(official, f"Cán bộ «{name}»", f"Official {name!r}")
            self.officials.add(official)
        self._official_cache[name] = official
        return official


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


def _guess_document_kind(number: str) -> str:
    """The document type from its number: `58/QĐ-UBND` → QĐ, `95-NQ/TU` → NQ; blank if none is named."""
    for token in number.replace("/", "-").split("-"):
        if token in DocumentKind.values and token:
            return token
    return DocumentKind.OTHER


def _reference_documents(references: list[_Reference]) -> dict[str, SourceDocument]:
    """A SourceDocument per cited number, reusing the stored one with the same number and date."""
    found: dict[str, SourceDocument] = {}
    for ref in references:
        doc = SourceDocument.objects.filter(number=ref.number, issued_on=ref.date).first()
        if doc is None:
            symbol = ref.number.split("/", 1)[1] if "/" in ref.number else ""
            doc = SourceDocument(
                number=ref.number[:80],
                symbol=symbol[:60],
                issued_on=ref.date,
                kind=_guess_document_kind(ref.number),
            )
            _save(doc, f"Văn bản {ref.number}", f"Document {ref.number}")
        found.setdefault(ref.number, doc)
    return found


def _plan_document(data: _Plan, *, issuer: Organisation, update_plan: Plan | None) -> SourceDocument:
    doc: SourceDocument | None = update_plan.source_document if update_plan is not None else None
    if doc is None and data.number:
        doc = SourceDocument.objects.filter(number=data.number, issued_on=data.issued_on).first()
        backing = Plan.objects.filter(source_document=doc).first() if doc is not None else None
        if backing is not None and update_plan is None:
            if backing.issuer_id == issuer.pk:
                raise DuplicatePlanError(backing)
            # Another body's plan stands on this very document: say so without naming it.
            raise DocumentTakenError(data.number, data.issued_on)
    fields = {
        "kind": data.kind,
        "number": data.number[:80],
        "symbol": data.symbol[:60],
        "issued_on": data.issued_on,
        "place": data.place[:80],
        "issuer": issuer,
        "issuer_name": data.issuer_name[:255],
        "title": data.title,
    }
    if doc is None:
        return SourceDocument(**fields)
    others_cite = doc.implementing_tasks.exclude(plan__issuer=issuer).exists()
    if doc.issuer_id == issuer.pk or (doc.issuer_id is None and not others_cite):
        for name, value in fields.items():
            setattr(doc, name, value)
    # Else a document other bodies cite (or another body issued) is theirs too: linked as it
    # stands, never rewritten by this import (issue 22).
    return doc


def _sync_children(existing: list[Any], wanted: list[Any], build: Any, where: str, where_en: str) -> None:
    """Update rows in place by position, delete the surplus, create the rest (ids of kept rows survive)."""
    for index, item in enumerate(wanted):
        row = existing[index] if index < len(existing) else None
        row = build(row, item, index)
        _save(row, f"{where} {index + 1}", f"{where_en} {index + 1}")
    for row in existing[len(wanted) :]:
        row.delete()


@transaction.atomic
def plan_import_commit(
    *,
    plan_json: dict[str, Any],
    issuer: Organisation,
    user: Any,
    source_name: str = "",
    source_bytes: bytes | None = None,
    update_plan: Plan | None = None,
    decisions: dict[str, Any] | None = None,
    kind: str = PlanKind.PLAN,
) -> Plan:
    """Create (or, with `update_plan`, replace the content of) a plan from a plan JSON, all or nothing.

    `decisions` overrides name matching: `{"organisations": {"Chi cục Kiểm lâm": 12, "Ban X": "new"},
    "officials": {"Nguyễn Văn A": 3}}` — an id uses that row, "new" creates one.
    Re-importing the same file or a document with the same number and date raises
    DuplicatePlanError unless `update_plan` says which plan to update.
    """
    refuse_foreign_issuer(user, issuer)
    data = _read(plan_json)
    if not data.tasks:
        raise PlanImportError(
            "Kế hoạch chưa có nhiệm vụ nào để theo dõi. Hãy thêm nhiệm vụ (ô «Thêm nhiệm vụ» trên trang "
            "xem lại) rồi xác nhận.",
            message_en="The plan has no tasks to track: add them (the 'add a task' row on the review page) first.",
        )
    digest = content_hash(source_bytes) if source_bytes is not None else ""
    if update_plan is None:
        existing = plan_find_existing(plan_json, digest, issuer)
        if existing is not None:
            raise DuplicatePlanError(existing)
    else:
        update_plan = (
            Plan.objects.select_for_update(of=("self",))
            .select_related("source_document")
            .get(pk=update_plan.pk)
        )

    decisions = decisions or {}
    parents = organisation_parent_map()
    resolver = _Resolver(
        issuer=issuer,
        organisations=OrganisationMatcher.for_issuer(issuer, parents),
        officials=OfficialMatcher.for_issuer(issuer, parents),
        org_decisions=dict(decisions.get("organisations") or {}),
        official_decisions=dict(decisions.get("officials") or {}),
    )

    doc = _plan_document(data, issuer=issuer, update_plan=update_plan)
    if source_bytes is not None:
        doc.content_hash = digest
    _save(doc, "Văn bản kế hoạch", "Plan document")

    plan = update_plan or Plan(
        status=PlanStatus.DRAFT, created_by=user if getattr(user, "pk", None) else None
    )
    plan.source_document = doc
    plan.kind = kind
    plan.title = data.title
    plan.year = data.year
    plan.starts_on = dt.date(data.year, 1, 1)
    plan.ends_on = dt.date(data.year, 12, 31)
    plan.issuer = issuer
    plan.compiler = resolver.organisation(data.compiler)
    plan.reporting_frequencies = data.frequencies
    plan.signer_name = data.signer_name[:120]
    plan.signer_title = data.signer_title[:120]
    plan.recipients = data.recipients
    _save(plan, "Kế hoạch", "Plan")

    references = _reference_documents(data.references)
    _write_tasks(plan, data, resolver, references)
    _sync_children(
        list(plan.plan_targets.order_by("order", "pk")),
        data.targets,
        lambda row, t, i: _fill_target(
            row or PlanTarget(plan=plan), t, i, lead_unit=resolver.organisation(t.lead_unit)
        ),
        "Chỉ tiêu chung",
        "Plan target",
    )

    if source_bytes is not None:
        # Storage writes are not transactional: store the file last, once every row has passed
        # validation, so a refused import leaves no orphan file behind.
        doc.file_name = (Path(source_name).name or f"{digest[:16]}.bin")[:255]
        doc.file.save(doc.file_name, ContentFile(source_bytes), save=False)
        doc.save(update_fields=["file", "file_name", "updated_at"])
    return plan


def _write_tasks(plan: Plan, data: _Plan, resolver: _Resolver, references: dict[str, SourceDocument]) -> None:
    existing = {t.code: t for t in Task.objects.filter(plan=plan)}
    by_code: dict[str, Task] = {}
    pending_parents: list[tuple[Task, str]] = []
    for order, item in enumerate(data.tasks):
        task = existing.get(item.code) or Task(plan=plan, code=item.code)
        task.title = item.title
        task.order = order
        task.deadline = item.deadline
        task.recurrence = item.recurrence
        task.leader = resolver.official(item.leader_name, item.leader_title)
        task.lead_unit = resolver.organisation(item.lead_unit)
        parent = by_code.get(item.parent) if item.parent else None
        if item.parent and parent is None:
            pending_parents.append((task, item.parent))
        task.parent = parent
        _save(task, f"Nhiệm vụ {item.code}", f"Task {item.code}")
        by_code[item.code] = task
        task.support_units.set([u for u in (resolver.organisation(n) for n in item.support_units) if u])
        cited = f"{item.title} {item.excerpt}"
        task.implements.set([doc for number, doc in references.items() if number in cited])
        _sync_children(
            list(task.targets.order_by("order", "pk")),
            item.targets,
            lambda row, t, i, task=task: _fill_target(row or Target(task=task), t, i),
            f"Nhiệm vụ {item.code}, chỉ tiêu",
            f"Task {item.code}, target",
        )
        _sync_children(
            list(task.milestones.order_by("order", "pk")),
            item.milestones,
            lambda row, m, i, task=task: _fill_milestone(row or Milestone(task=task), m, i),
            f"Nhiệm vụ {item.code}, mốc",
            f"Task {item.code}, milestone",
        )
    for task, parent_code in pending_parents:
        task.parent = by_code[parent_code]
        _save(task, f"Nhiệm vụ {task.code}", f"Task {task.code}")
    # Parents are re-pointed first so deleting a dropped task cascades to nothing still wanted.
    for code, task in existing.items():
        if code not in by_code:
            task.delete()

    old_status = {
        (f.code, f.task.code if f.task else None, f.excerpt): f.status
        for f in plan.findings.select_related("task")
    }
    plan.findings.all().delete()
    for found in data.findings:
        finding = Finding(
            plan=plan,
            task=by_code.get(found.task) if found.task else None,
            code=found.code[:40],
            excerpt=found.excerpt,
            message=found.message,
            # A person's verdict on a finding survives re-importing the same document.
            status=old_status.get((found.code, found.task, found.excerpt), FindingStatus.OPEN),
        )
        _save(finding, f"Phát hiện {found.code}", f"Finding {found.code}")


_TargetRow = TypeVar("_TargetRow", Target, PlanTarget)


def _fill_target(row: _TargetRow, item: _Target, order: int, **extra: Any) -> _TargetRow:
    for name, value in extra.items():
        setattr(row, name, value)
    row.name = item.name[:500]
    row.unit = item.unit[:80]
    row.comparator = item.comparator
    row.value = item.value
    row.max_value = item.max_value
    row.change = item.change
    row.order = order
    return row


def _fill_milestone(row: Milestone, item: _Milestone, order: int) -> Milestone:
    row.due = item.due
    row.text = item.text
    row.value = item.value
    row.unit = item.unit[:80]
    row.order = order
    return row


# --- staging --------------------------------------------------------------------------------------


@transaction.atomic
def import_session_stage(
    *,
    user: Any,
    issuer: Organisation,
    file_name: str,
    data: bytes,
    plan_json: dict[str, Any],
    plan_kind: str = PlanKind.PLAN,
) -> ImportSession:
    """Keep an extracted plan and its file for review; the bulky source text is stored apart.

    `plan_kind` DIRECTIVE stages a directive or meeting conclusion: committed, it is a plan of
    that kind, listed with the directives rather than the annual plans."""
    return _new_session(user, issuer, file_name, data, plan_kind=plan_kind, **_read_fields(plan_json))


@transaction.atomic
def import_session_commit(
    *,
    session: ImportSession,
    user: Any,
    plan_json: dict[str, Any],
    decisions: dict[str, Any] | None = None,
    update: bool = False,
) -> Plan:
    """Commit a reviewed import: the plan is created (or the existing one updated) and the session closed."""
    session = (
        ImportSession.objects.select_for_update(of=("self",)).select_related("issuer").get(pk=session.pk)
    )
    if session.status != ImportStatus.PENDING:
        raise ImportSessionClosedError(
            "Lượt nhập này đã được xử lý.", message_en="This import has already been committed or discarded."
        )
    existing = plan_find_existing(plan_json, session.content_hash, session.issuer)
    if existing is not None and not update:
        raise DuplicatePlanError(existing)
    plan = plan_import_commit(
        plan_json=plan_json,
        issuer=session.issuer,
        user=user,
        source_name=session.file_name,
        source_bytes=bytes(session.file_bytes),
        update_plan=existing,
        decisions=decisions,
        kind=session.plan_kind,
    )
    session.plan_json = plan_json
    session.status = ImportStatus.COMMITTED
    session.plan = plan
    session.file_bytes = b""  # now stored once, on the plan's source document
    session.full_clean()
    session.save()
    return plan


@transaction.atomic
def import_session_set_issuer(*, session: ImportSession, issuer: Organisation, user: Any) -> ImportSession:
    """Change the body the staged plan is imported for: its units and officials are matched anew
    in that body's tree when the review is shown again."""
    refuse_foreign_issuer(user, issuer)
    session = ImportSession.objects.select_for_update().get(pk=session.pk)
    if session.status != ImportStatus.PENDING:
        raise ImportSessionClosedError(
            "Lượt nhập này đã được xử lý.", message_en="This import has already been committed or discarded."
        )
    session.issuer = issuer
    session.save(update_fields=["issuer", "updated_at"])
    return session


@transaction.atomic
def import_session_revise(*, session: ImportSession, plan_json: dict[str, Any]) -> ImportSession:
    """Keep the reviewer's corrections in the staged plan, with its findings checked again."""
    from .findings import findings_recheck

    session = ImportSession.objects.select_for_update().get(pk=session.pk)
    if session.status != ImportStatus.PENDING:
        raise ImportSessionClosedError(
            "Lượt nhập này đã được xử lý.", message_en="This import has already been committed or discarded."
        )
    revised = dict(plan_json)
    revised["findings"] = findings_recheck(session.plan_json.get("findings") or [], revised)
    session.plan_json = revised
    session.save(update_fields=["plan_json", "updated_at"])
    return session


@transaction.atomic
def import_session_discard(*, session: ImportSession) -> None:
    """Drop a staged import; its bytes go with it (the row stays as a trace of the attempt)."""
    session = ImportSession.objects.select_for_update().get(pk=session.pk)
    if session.status not in {ImportStatus.PENDING, ImportStatus.PROCESSING, ImportStatus.FAILED}:
        raise ImportSessionClosedError(
            "Lượt nhập này đã được xử lý.", message_en="This import has already been committed or discarded."
        )
    session.status = ImportStatus.DISCARDED
    session.file_bytes = b""
    session.save(update_fields=["status", "file_bytes", "updated_at"])


def import_sessions_expire(*, older_than: dt.timedelta, now: dt.datetime | None = None) -> int:
    """Discard uploads left pending (nobody confirmed or cancelled them) for longer than `older_than`.

    Their file bytes go; the rows stay as a trace of the attempt, as with a discard by hand.
    Returns how many were discarded.
    """
    now = now or timezone.now()
    left = [ImportStatus.PENDING, ImportStatus.FAILED, ImportStatus.PROCESSING]
    return ImportSession.objects.filter(status__in=left, created_at__lt=now - older_than).update(
        status=ImportStatus.DISCARDED, file_bytes=b"", updated_at=now
    )
