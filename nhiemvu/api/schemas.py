"""Shapes of what the API takes and gives. They validate shape only; services decide the rest.

Numbers go out as JSON numbers, as in the plan JSON; they come in as numbers (or numeric
strings) and are held as Decimal, never float, on the way to the database.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Generic, Literal, TypeVar

from django.db.models import Q
from ninja import FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, Field

from nhiemvu.lib.plan_json import Amount, PlanJSONIn, Text, clean_text

T = TypeVar("T")

# Path and query ids: bounded so a 30-digit id is a 422, not an integer overflow in the database.
Id = Annotated[int, Field(ge=1, le=2_147_483_647)]
Number = int | float


Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)]


class ErrorOut(Schema):
    """Every refusal: a stable `code`, a Vietnamese `message`, its English, and optional `details`."""

    code: str
    message: str
    message_en: str
    details: Any = None


class Page(Schema, Generic[T]):
    """One page of a list: `next`/`previous` are full URLs, null at the ends."""

    count: int
    next: str | None
    previous: str | None
    results: list[T]


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=100)


class ListQuery(PageQuery, FilterSchema):
    """A list's query string: its page, and filters that `.filter(queryset)` applies (each field's
    lookup in its FilterLookup, the field's own name otherwise; a field left out is not applied)."""

    def filter_page(self, value: int) -> Q:
        return Q()

    def filter_page_size(self, value: int) -> Q:
        return Q()


# --- organisations and people -------------------------------------------------------------------


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    parent: int | None
    email: str


class OrganisationFilter(ListQuery):
    parent: Annotated[Id | None, FilterLookup("parent_id")] = None
    kind: Text(32) | None = None  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str

    def filter_kind(self, value: str | None) -> Q:
        return Q(kind=value) if value else Q()  # `?kind=` means any kind


class OfficialOut(Schema):
    id: int
    name: str
    title: str
    organisation: int


class MeOut(Schema):
    user: str
    full_name: str
    token: str
    scope: Literal["read", "write"]
    roles: list[str]
    may_import: bool


# --- plans ------------------------------------------------------------------------------------


class DocumentOut(Schema):
    kind: str | None
    number: str | None
    symbol: str | None
    issued_on: dt.date | None
    issuer: str | None


class PlanOut(Schema):
    id: int
    title: str
    year: int
    status: str
    starts_on: dt.date
    ends_on: dt.date
    issuer: OrganisationOut
    compiler: int | None
    document: DocumentOut | None
    reporting_frequencies: list[str]
    task_count: int
    target_count: int


class PlanDetailOut(PlanOut):
    signer_name: str
    signer_title: str
    recipients: list[str]
    findings: list[FindingOut]


class FindingOut(Schema):
    id: int
    code: str
    task: str | None
    excerpt: str
    message: str
    status: str


class PlanFilter(ListQuery):
    year: int | None = Field(None, ge=2000, le=2100)
    status: Literal["draft", "active", "closed"] | None = None
    issuer: Annotated[Id | None, FilterLookup("issuer_id")] = None


# --- the plan JSON: its shape is nhiemvu.lib.plan_json (shared/spec/plan-json.md) ----------------
# PlanJSON is what the export gives; PlanJSONIn (the same keys, each optional, bounded) what the
# import takes: the importer names what is missing.

ShortText = Annotated[str, Field(max_length=2000), AfterValidator(clean_text)]


class DecisionsIn(Schema):
    """Overrides of name matching: a name → an id to use, or "new" to create one."""

    organisations: dict[ShortText, int | Literal["new"]] = Field(default_factory=dict)
    officials: dict[ShortText, int | Literal["new"]] = Field(default_factory=dict)


class PlanImportIn(Schema):
    plan: PlanJSONIn
    issuer: Id | None = Field(None, description="The issuing body; by default the user's department.")
    update_plan: Id | None = Field(None, description="Replace this plan's content instead of creating one.")
    decisions: DecisionsIn | None = None


class PlanImportOut(Schema):
    plan: PlanDetailOut
    created: bool


# --- tasks and targets ----------------------------------------------------------------------------


class TargetOut(Schema):
    id: int
    task: int
    name: str
    unit: str
    comparator: str
    value: Number
    max_value: Number | None
    change: str
    actual: Number | None
    attainment: Number | None


class MilestoneOut(Schema):
    id: int
    due: dt.date | None
    text: str
    value: Number | None
    unit: str
    status: str


class TaskOut(Schema):
    id: int
    plan: int
    code: str
    parent: int | None
    title: str
    leader: OfficialOut | None
    lead_unit: OrganisationOut | None
    support_units: list[int]
    deadline: dt.date | None
    recurrence: str
    status: str
    percent_done: Number | None


class TaskDetailOut(TaskOut):
    targets: list[TargetOut]
    milestones: list[MilestoneOut]


TaskStatusName = Literal["completed_on_time", "completed_late", "in_progress", "overdue", "not_started"]
ReportStatusName = Literal["draft", "submitted", "returned", "accepted"]


class TaskFilter(ListQuery):
    plan: Annotated[Id | None, FilterLookup("plan_id")] = None
    unit: Annotated[Id | None, FilterLookup("lead_unit_id")] = Field(
        None, description="Lead unit (organisation id)."
    )
    leader: Annotated[Id | None, FilterLookup("leader_id")] = Field(None, description="Leader (official id).")
    status: TaskStatusName | None = None

    def filter_status(self, value: str | None) -> Q:
        return Q()  # computed from accepted reports, not stored: the router filters after computing


class TargetFilter(ListQuery):
    plan: Annotated[Id | None, FilterLookup("task__plan_id")] = None
    task: Annotated[Id | None, FilterLookup("task_id")] = None
    unit: Annotated[Id | None, FilterLookup("task__lead_unit_id")] = None
    leader: Annotated[Id | None, FilterLookup("task__leader_id")] = None


# --- periods and reports -----------------------------------------------------------------------


class PeriodOut(Schema):
    id: int
    plan: int
    frequency: str
    key: str
    label: str
    starts_on: dt.date
    ends_on: dt.date
    due_on: dt.date
    locked: bool
    reporting: bool


class PeriodFilter(ListQuery):
    plan: Annotated[Id | None, FilterLookup("plan_id")] = None


class TargetValueOut(Schema):
    target: int
    actual: Number | None
    estimate: Number | None


class ObstacleOut(Schema):
    id: int
    report: int
    task: int
    organisation: int
    period: int
    description: str
    needs: str
    addressed_to: str
    status: str
    answer: str
    answered_at: dt.datetime | None
    answered_by: str | None = Field(None, description="Who gave the answer (full name), null if unanswered")


class EventOut(Schema):
    at: dt.datetime
    from_status: str
    to_status: str
    comment: str


class ReportOut(Schema):
    id: int
    task: int
    plan: int
    period: int
    organisation: int
    is_lead: bool
    version: int
    supersedes: int | None
    status: str
    revision: int
    percent_done: Number | None
    completed_on: dt.date | None
    narrative: str
    proposals: str
    values: list[TargetValueOut]
    obstacles: list[ObstacleOut]
    milestones_met: list[int]
    submitted_at: dt.datetime | None
    reviewed_at: dt.datetime | None
    events: list[EventOut]


class ReportFilter(ListQuery):
    plan: Annotated[Id | None, FilterLookup("task__plan_id")] = None
    task: Annotated[Id | None, FilterLookup("task_id")] = None
    unit: Annotated[Id | None, FilterLookup("organisation_id")] = Field(
        None, description="The reporting unit (organisation id)."
    )
    leader: Annotated[Id | None, FilterLookup("task__leader_id")] = None
    status: ReportStatusName | None = None
    period: Annotated[Id | None, FilterLookup("period_id")] = None


class ValueIn(Schema):
    target: Id
    actual: Amount | None = None
    estimate: Amount | None = None


class ObstacleIn(Schema):
    description: Text(5000)  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str
    needs: Text(5000) = ""  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str
    addressed_to: Text(255) = ""  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str


class DraftIn(Schema):
    """The unit's figures and text; on PATCH a field left out keeps its current value."""

    percent_done: Percent | None = None
    completed_on: dt.date | None = None
    narrative: Text(20000) = ""  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str
    proposals: Text(20000) = ""  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str
    values: list[ValueIn] = Field(default_factory=list, max_length=500)
    obstacles: list[ObstacleIn] = Field(default_factory=list, max_length=50)
    milestones_met: list[Id] = Field(default_factory=list, max_length=500)


class ReportCreateIn(Schema):
    task: Id
    period: Id
    draft: DraftIn | None = None


class ReportUpdateIn(DraftIn):
    revision: int = Field(ge=0, le=2_147_483_647, description="The revision you read; 409 if it moved on.")


class ReviewIn(Schema):
    comment: Text(5000) = ""  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str


class ObstacleAnswerIn(Schema):
    """The leader's direction (ý kiến chỉ đạo); `resolved` marks the obstacle cleared (đã tháo gỡ)."""

    answer: Text(5000)  # type: ignore[valid-type]  # Text(n) is a call building an Annotated str
    resolved: bool = False


class AttachmentOut(Schema):
    """A file attached to a report; its bytes are at `download`."""

    id: int
    report: int
    file_name: str = Field(description="The name the file was uploaded under.")
    size: int = Field(description="Bytes.")
    content_type: str = Field(description="Sniffed from the content, not taken from the name.")
    uploaded_at: dt.datetime
    download: str = Field(description="Path of the file's bytes under this API.")


class ObstacleFilter(ListQuery):
    plan: Annotated[Id | None, FilterLookup("report__task__plan_id")] = None
    unit: Annotated[Id | None, FilterLookup("report__organisation_id")] = None
    period: Annotated[Id | None, FilterLookup("report__period_id")] = None
    task: Annotated[Id | None, FilterLookup("report__task_id")] = None
    status: Literal["open", "answered", "resolved"] | None = None


# --- notifications ------------------------------------------------------------------------------


class NotificationOut(Schema):
    id: int
    kind: str
    subject: str
    body: str
    url: str
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationFilter(ListQuery):
    unread: Annotated[bool | None, FilterLookup("read_at__isnull")] = None


class CountOut(Schema):
    count: int


PlanDetailOut.model_rebuild()
