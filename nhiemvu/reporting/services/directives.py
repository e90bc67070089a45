"""Tasks from directives and meeting conclusions (văn bản chỉ đạo, thông báo kết luận).

Each directive is a Plan of kind DIRECTIVE standing on its own SourceDocument: its tasks are then
reported on, reminded, counted and consolidated exactly as a plan's, with nothing else to change.
The plan's issuer is the agency that must carry the tasks out (its visibility rules apply); the
document's issuer is the body that signed the directive (the province, or the department itself).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, Required, TypedDict

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max

from nhiemvu.core.errors import DomainError
from nhiemvu.core.services import validated_save
from nhiemvu.lib.vntext import nfc
from nhiemvu.organisations.models import Official, Organisation
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import (
    Comparator,
    DocumentKind,
    Frequency,
    Plan,
    PlanKind,
    PlanStatus,
    SourceDocument,
    Target,
    Task,
)
from nhiemvu.plans.selectors import directive_agencies, directive_unit_ids

from .periods import periods_generate

# What a directive or a conclusion is issued as (Decree 30/2020's abbreviations).
DIRECTIVE_DOCUMENT_KINDS = (
    DocumentKind.NOTICE,
    DocumentKind.DIRECTIVE,
    DocumentKind.OFFICIAL_LETTER,
    DocumentKind.CONCLUSION,
    DocumentKind.DECISION,
    DocumentKind.RESOLUTION,
    DocumentKind.PROGRAMME,
    DocumentKind.OTHER,
)


class DirectiveError(DomainError):
    code = "directive_refused"


class DirectiveTarget(TypedDict, total=False):
    """A quantified result a directive's task must reach (`100 ha`, `từ 95% trở lên`)."""

    name: Required[str]
    value: Required[Decimal]
    unit: str
    comparator: str


class DirectiveTask(TypedDict, total=False):
    """One task a directive assigns: lead unit and deadline are required, the rest optional."""

    title: Required[str]
    lead_unit: Required[Organisation | None]
    deadline: Required[dt.date | None]
    support_units: Sequence[Organisation]
    leader: Official | None
    description: str
    targets: Sequence[DirectiveTarget]


def _save(obj: Any, where: str, where_en: str) -> None:
    validated_save(obj, error=DirectiveError, where=where, where_en=where_en)


def _refuse_unless_allowed(user: User | None, agency: Organisation) -> None:
    """Planning-finance and the director of the agency record its directives; nobody else.

    `user=None` is a write by the system itself (the demo data, a command), which has no scope.
    """
    if user is None:
        return
    if not directive_agencies(user, access_scope(user)).filter(pk=agency.pk).exists():
        raise DirectiveError(
            "Chỉ Phòng Kế hoạch – Tài chính hoặc Giám đốc của cơ quan được ghi nhận văn bản chỉ đạo.",
            message_en="Only the agency's planning-finance division or director may record directives.",
            code="not_allowed",
        )


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _check_task(task: DirectiveTask, number: int, issued_on: dt.date, units: set[int]) -> None:
    """Refuse a task a person would have to come back to: no content, no lead unit, no deadline."""
    where, where_en = f"Nhiệm vụ {number}", f"Task {number}"
    if not (task.get("title") or "").strip():
        raise DirectiveError(
            f"{where}: hãy ghi nội dung nhiệm vụ.", message_en=f"{where_en}: the task has no text."
        )
    lead_unit = task.get("lead_unit")
    if lead_unit is None:
        raise DirectiveError(
            f"{where}: hãy chọn đơn vị chủ trì.", message_en=f"{where_en}: choose the lead unit."
        )
    # The lead unit reports on the task, so it must be one of the agency's own bodies.
    if lead_unit.pk not in units:
        raise DirectiveError(
            f"{where}: đơn vị chủ trì «{lead_unit.name}» không thuộc cơ quan thực hiện văn bản.",
            message_en=f"{where_en}: the lead unit is not part of the agency.",
        )
    for unit in task.get("support_units") or ():
        if unit.pk not in units:
            raise DirectiveError(
                f"{where}: đơn vị phối hợp «{unit.name}» không thuộc cơ quan thực hiện văn bản.",
                message_en=f"{where_en}: a supporting unit is not part of the agency.",
            )
    leader = task.get("leader")
    if leader is not None and leader.organisation_id not in units:
        raise DirectiveError(
            f"{where}: lãnh đạo chỉ đạo «{leader.full_name}» không thuộc cơ quan thực hiện văn bản.",
            message_en=f"{where_en}: the leader is not an official of the agency.",
        )
    deadline = task.get("deadline")
    if deadline is None:
        raise DirectiveError(
            f"{where}: hãy ghi thời hạn hoàn thành (ngày/tháng/năm).",
            message_en=f"{where_en}: give the deadline.",
        )
    if deadline < issued_on:
        raise DirectiveError(
            f"{where}: thời hạn {_d(deadline)} trước ngày ban hành văn bản {_d(issued_on)}.",
            message_en=f"{where_en}: the deadline is before the document's date.",
        )


def _write_task(plan: Plan, task: DirectiveTask, order: int) -> Task:
    row = Task(
        plan=plan,
        code=str(order),
        order=order,
        title=nfc(task["title"].strip()),
        description=nfc((task.get("description") or "").strip()),
        lead_unit=task["lead_unit"],
        leader=task.get("leader"),
        deadline=task["deadline"],
    )
    _save(row, f"Nhiệm vụ {order}", f"Task {order}")
    row.support_units.set([u for u in task.get("support_units") or () if u.pk != row.lead_unit_id])
    for index, target in enumerate(task.get("targets") or ()):
        _save(
            Target(
                task=row,
                name=nfc(target["name"].strip())[:500],
                unit=(target.get("unit") or "")[:80],
                comparator=target.get("comparator") or Comparator.EQ,
                value=target["value"],
                order=index,
            ),
            f"Nhiệm vụ {order}, chỉ tiêu {index + 1}",
            f"Task {order}, target {index + 1}",
        )
    return row


def _document(
    *,
    kind: str,
    number: str,
    issued_on: dt.date,
    title: str,
    document_issuer: Organisation | None,
    document_issuer_name: str,
    agency: Organisation,
) -> SourceDocument:
    """The directive's document: new, or the one a plan's task already cites under that number and
    date (filled in where blank, never rewritten); refused if a plan or directive stands on it."""
    doc = SourceDocument.objects.select_for_update().filter(number=number, issued_on=issued_on).first()
    if doc is not None:
        backing = Plan.objects.filter(source_document=doc).first()
        if backing is not None:
            whose = (
                f" (xem «{backing.title}», năm {backing.year})"
                if backing.issuer_id == agency.pk
                else " của một cơ quan khác"
            )
            raise DirectiveError(
                f"Văn bản số {number} ngày {_d(issued_on)} đã được ghi nhận{whose}. "
                "Hãy thêm nhiệm vụ vào văn bản đã có, hoặc kiểm tra lại số, ký hiệu và ngày ban hành.",
                message_en=f"Document {number} of {issued_on:%Y-%m-%d} is already recorded.",
                code="document_taken",
            )
    else:
        symbol = number.split("/", 1)[1] if "/" in number else ""
        doc = SourceDocument(number=number, symbol=symbol[:60], issued_on=issued_on)
    for name, value in {
        "kind": kind,
        "title": title,
        "issuer": document_issuer,
        "issuer_name": document_issuer_name[:255],
    }.items():
        if value and not getattr(doc, name):
            setattr(doc, name, value)
    _save(doc, "Văn bản", "Document")
    return doc


@transaction.atomic
def directive_create(
    *,
    agency: Organisation,
    kind: str,
    number: str,
    issued_on: dt.date | None,
    title: str,
    tasks: Sequence[DirectiveTask],
    created_by: User | None,
    document_issuer: Organisation | None = None,
    document_issuer_name: str = "",
    signer_name: str = "",
    signer_title: str = "",
    reporting_frequencies: Sequence[str] = (),
) -> Plan:
    """Record a directive or meeting conclusion and the tasks it assigns to `agency`, all or nothing.

    The directive becomes an ACTIVE plan of kind DIRECTIVE for the document's year (from its date
    to 31/12, or to the latest deadline if later), with the reporting periods an activated plan
    gets (quarterly unless `reporting_frequencies` says otherwise). Tasks are numbered 1, 2, … in
    the order given. Refused, writing nothing, with a message in Vietnamese: a user who is not
    planning-finance or director of `agency`, a document without number, date, summary or issuer,
    a number and date already recorded, no task, a task without lead unit (of the agency's own
    bodies) or deadline, a deadline before the document's date.
    """
    _refuse_unless_allowed(created_by, agency)
    number = nfc(number.strip())
    title = nfc(title.strip())
    document_issuer_name = nfc(document_issuer_name.strip())
    if kind not in DIRECTIVE_DOCUMENT_KINDS:
        raise DirectiveError("Loại văn bản không hợp lệ.", message_en="Unknown document kind.")
    if not number:
        raise DirectiveError(
            "Hãy ghi số, ký hiệu của văn bản (ví dụ 125/TB-UBND).", message_en="Give the document's number."
        )
    if issued_on is None:
        raise DirectiveError(
            "Hãy ghi ngày ban hành văn bản (ngày/tháng/năm).", message_en="Give the document's date."
        )
    if not title:
        raise DirectiveError("Hãy ghi trích yếu của văn bản.", message_en="Give the document's summary.")
    if document_issuer is None and not document_issuer_name:
        raise DirectiveError(
            "Hãy chọn hoặc ghi cơ quan ban hành văn bản.",
            message_en="Give the body that issued the document.",
        )
    unknown = [f for f in reporting_frequencies if f not in Frequency.values]
    if unknown:
        raise DirectiveError(
            f"Tần suất báo cáo không hợp lệ: {', '.join(unknown)}.", message_en="Unknown reporting frequency."
        )
    if not tasks:
        raise DirectiveError(
            "Văn bản chưa có nhiệm vụ nào. Hãy ghi ít nhất một nhiệm vụ, với đơn vị chủ trì và thời hạn.",
            message_en="The document assigns no task: give at least one.",
        )
    units = directive_unit_ids([agency.pk])
    for number_in_list, task in enumerate(tasks, start=1):
        _check_task(task, number_in_list, issued_on, units)

    doc = _document(
        kind=kind,
        number=number[:80],
        issued_on=issued_on,
        title=title,
        document_issuer=document_issuer,
        document_issuer_name=document_issuer_name,
        agency=agency,
    )
    latest = max(t["deadline"] for t in tasks if t["deadline"] is not None)
    plan = Plan(
        kind=PlanKind.DIRECTIVE,
        source_document=doc,
        title=title,
        year=issued_on.year,
        starts_on=issued_on,
        ends_on=max(dt.date(issued_on.year, 12, 31), latest),
        issuer=agency,
        status=PlanStatus.ACTIVE,
        reporting_frequencies=list(reporting_frequencies),
        signer_name=signer_name[:120],
        signer_title=signer_title[:120],
        created_by=created_by,
    )
    _save(plan, "Văn bản chỉ đạo", "Directive")
    for order, task in enumerate(tasks, start=1):
        _write_task(plan, task, order)
    periods_generate(plan=plan)
    return plan


@transaction.atomic
def directive_task_add(*, plan: Plan, task: DirectiveTask, user: User | None) -> Task:
    """Add one more task to a recorded directive (a conclusion amended, a task forgotten); it is
    numbered after the last one, and the directive's end moves to its deadline if that is later."""
    plan = Plan.objects.select_for_update(of=("self",)).select_related("source_document").get(pk=plan.pk)
    if plan.kind != PlanKind.DIRECTIVE:
        raise DirectiveError(
            "Chỉ thêm nhiệm vụ theo cách này cho văn bản chỉ đạo, kết luận.",
            message_en="Only a directive takes tasks this way.",
        )
    _refuse_unless_allowed(user, plan.issuer)
    if plan.status == PlanStatus.CLOSED:
        raise DirectiveError(
            "Văn bản đã kết thúc theo dõi, không thể thêm nhiệm vụ.",
            message_en="The directive is closed.",
        )
    issued_on = (plan.source_document.issued_on if plan.source_document else None) or plan.starts_on
    count = plan.tasks.count()
    _check_task(task, count + 1, issued_on, directive_unit_ids([plan.issuer_id]))
    order = (plan.tasks.aggregate(last=Max("order"))["last"] or 0) + 1
    while plan.tasks.filter(code=str(order)).exists():
        order += 1
    row = _write_task(plan, task, order)
    if task["deadline"] is not None and task["deadline"] > plan.ends_on:
        plan.ends_on = task["deadline"]
        validated_save(plan, error=DirectiveError, fields=["ends_on"])
    return row
