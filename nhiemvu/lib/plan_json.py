"""The plan JSON of `shared/spec/plan-json.md`, written once as pydantic models.

Pure pydantic (no Django), so the extractor, the importer, the review form and the API all use it:

- `PlanJSON` and its parts are the spec's shape exactly: every listed key present, with the
  spec's value types (dates `YYYY-MM-DD`, numbers as numbers, null where the document is silent).
  Keys not listed may be added (the extractor adds a task's `excerpt` and `product`), so extra
  keys are kept. `plan_json_check` validates a dict against it.
- `PlanJSONIn` and its parts are derived from the same models for reading a plan JSON in: every
  key optional (the importer names what is missing), texts bounded, numbers held as Decimal ≥ 0,
  and the closed vocabularies (comparator, recurrence, ...) read as text so the importer can name
  an unknown value in its own words.

>>> plan_json_problem({"schema": "nhiemvu.plan/1"})[0]
('document',)
>>> sorted(TaskIn.model_fields) == sorted([*TaskJSON.model_fields, "excerpt"])
True
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeAlias, Union

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    ValidationError,
    create_model,
)

__all__ = [
    "SCHEMA",
    "Amount",
    "DocumentIn",
    "DocumentJSON",
    "FindingIn",
    "FindingJSON",
    "MilestoneIn",
    "MilestoneJSON",
    "PersonIn",
    "PersonJSON",
    "PlanJSON",
    "PlanJSONIn",
    "PlanTargetJSON",
    "ReferenceIn",
    "ReferenceJSON",
    "ReportingIn",
    "ReportingJSON",
    "TargetIn",
    "TargetJSON",
    "TaskIn",
    "TaskJSON",
    "Text",
    "ValidationError",
    "clean_text",
    "plan_json_check",
    "plan_json_problem",
]

SCHEMA = "nhiemvu.plan/1"

Comparator = Literal["=", ">=", ">", "<=", "<", "range"]
Change = Literal["increase", "decrease"]
Recurrence = Literal["monthly", "quarterly", "yearly", "ongoing"]
Frequency = Literal["monthly", "quarterly", "half-yearly", "yearly"]
Number = StrictInt | StrictFloat  # a JSON number, never a numeric string


def _iso_date(value: Any) -> Any:
    """`YYYY-MM-DD` text (or a date) only: no timestamps, no `30/6/2023`."""
    if isinstance(value, dt.datetime):
        raise ValueError("must be a date, not a date and time")
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not a valid date (YYYY-MM-DD)") from None


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]


def clean_text(value: str) -> str:
    """Refuse what no database or encoder takes: NUL (PostgreSQL text) and lone surrogates."""
    if "\x00" in value:
        raise ValueError("must not contain the NUL character")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text") from None
    return value


def Text(max_length: int | None = None) -> Any:  # reads as a type in the schemas
    return Annotated[str, Field(max_length=max_length), AfterValidator(clean_text)]


# A figure read in: a number or numeric text, held as Decimal, within the database's columns.
Amount = Annotated[Decimal, Field(ge=0, max_digits=20, decimal_places=4)]


@dataclass(frozen=True)
class In:
    """How a key is bounded when a plan JSON is read in (`PlanJSONIn`): text length, list length,
    number range. The spec's own shape (`PlanJSON`) has no such bounds."""

    max_length: int | None = None
    ge: int | None = None
    le: int | None = None


SHORT, LONG = In(max_length=2000), In(max_length=20000)


class _Shape(BaseModel):
    # Keys not listed in the spec may be added; listed keys keep their meaning.
    model_config = ConfigDict(extra="allow", populate_by_name=True)


# --- the spec's shape ---------------------------------------------------------------------------


class PersonJSON(_Shape):
    name: Annotated[str, SHORT]
    title: Annotated[str | None, SHORT]


class DocumentJSON(_Shape):
    kind: Annotated[str | None, SHORT]
    number: Annotated[str | None, SHORT]
    symbol: Annotated[str | None, SHORT]
    issuer: Annotated[str | None, SHORT]
    place: Annotated[str | None, SHORT]
    issued_on: IsoDate | None
    year: Annotated[int, Field(strict=True), In(ge=2000, le=2100)]
    title: Annotated[str, LONG]
    signer: PersonJSON | None


class ReferenceJSON(_Shape):
    number: Annotated[str, SHORT]
    date: IsoDate | None


class TargetJSON(_Shape):
    name: Annotated[str, SHORT]
    unit: Annotated[str | None, SHORT]
    comparator: Annotated[Comparator, SHORT]
    value: Number
    max: Number | None
    change: Annotated[Change | None, SHORT]


class PlanTargetJSON(TargetJSON):
    """A plan-level target (no task): a target's keys, plus `lead_unit` where the row names one."""

    lead_unit: Annotated[str | None, SHORT] = None


class MilestoneJSON(_Shape):
    due: IsoDate | None
    text: Annotated[str, LONG]
    value: Number | None
    unit: Annotated[str | None, SHORT]


class TaskJSON(_Shape):
    code: Annotated[str, In(max_length=32)]
    parent: Annotated[str | None, In(max_length=32)]
    title: Annotated[str, LONG]
    leader: PersonJSON | None
    lead_unit: Annotated[str | None, SHORT]
    support_units: Annotated[list[Annotated[str, SHORT]], In(max_length=100)]
    deadline: IsoDate | None
    recurrence: Annotated[Recurrence | None, SHORT]
    targets: Annotated[list[TargetJSON], In(max_length=200)]
    milestones: Annotated[list[MilestoneJSON], In(max_length=200)]


class ReportingJSON(_Shape):
    compiler: Annotated[str | None, SHORT]
    frequencies: Annotated[list[Annotated[Frequency, SHORT]], In(max_length=10)]


class FindingJSON(_Shape):
    code: Annotated[str, In(max_length=40)]
    task: Annotated[str | None, In(max_length=32)]
    excerpt: Annotated[str | None, LONG]
    message: Annotated[str, LONG]


class PlanJSON(_Shape):
    """The plan JSON, exactly the spec's shape (`schema: nhiemvu.plan/1`)."""

    schema_: Literal["nhiemvu.plan/1"] = Field(alias="schema")
    document: DocumentJSON
    references: Annotated[list[ReferenceJSON], In(max_length=500)]
    tasks: Annotated[list[TaskJSON], In(max_length=2000)]
    # Plan-level targets: listed by the spec, absent from many plans (and from the gold files).
    targets: Annotated[list[PlanTargetJSON], In(max_length=500)] = Field(default_factory=list)
    reporting: ReportingJSON
    recipients: Annotated[list[Annotated[str, SHORT]], In(max_length=200)]
    findings: Annotated[list[FindingJSON], In(max_length=2000)]


def plan_json_problem(plan: Any) -> tuple[tuple[str | int, ...], str] | None:
    """Where a plan JSON first departs from the spec's shape and how (None when it conforms).

    >>> plan_json_problem({"schema": "nhiemvu.plan/1", "document": {}})[0]
    ('document', 'kind')
    """
    try:
        PlanJSON.model_validate(plan)
    except ValidationError as e:
        first = e.errors(include_url=False)[0]
        return tuple(first["loc"]), first["msg"]
    return None


def plan_json_check(plan: dict[str, Any]) -> dict[str, Any]:
    """The plan JSON unchanged if it has the spec's shape; else a ValidationError naming every problem."""
    PlanJSON.model_validate(plan)
    return plan


# --- reading a plan JSON in: the same keys, each optional, bounded ------------------------------

_IN_MODELS: dict[type[BaseModel], type[BaseModel]] = {}


def _split(annotation: Any) -> tuple[Any, list[Any], bool]:
    """(bare type, its Annotated metadata, whether None is allowed)."""
    metadata: list[Any] = []
    nullable = False
    while True:
        if typing.get_origin(annotation) is Annotated:
            annotation, *extra = typing.get_args(annotation)
            metadata.extend(extra)
            continue
        if typing.get_origin(annotation) in (Union, types.UnionType):
            args = [a for a in typing.get_args(annotation) if a is not type(None)]
            nullable = nullable or len(args) < len(typing.get_args(annotation))
            if len(args) == 1:
                annotation = args[0]
                continue
            annotation = Union[tuple(args)]  # noqa: UP007 - built at run time
        return annotation, metadata, nullable


def _read_in(annotation: Any) -> Any:
    """The type a key of the spec is read in as (without its None)."""
    bare, metadata, _ = _split(annotation)
    bound = next((m for m in metadata if isinstance(m, In)), In())
    if bare == Number:
        return Amount
    if isinstance(bare, type) and issubclass(bare, BaseModel):
        return _lenient(bare)
    if typing.get_origin(bare) is list:
        (item,) = typing.get_args(bare)
        return list[_read_in(item)]  # type: ignore[misc]
    if bare is str or typing.get_origin(bare) is Literal:
        return Text(bound.max_length)
    if bare is int:
        return Annotated[int, Field(ge=bound.ge, le=bound.le)]
    if bare is dt.date:
        return IsoDate
    raise TypeError(f"no reading-in type for {annotation!r}")  # pragma: no cover - a new kind of key


def _none_as_empty(value: Any) -> Any:
    return [] if value is None else value


def _person_from_text(value: Any) -> Any:
    """A person written as a bare name (`"leader": "Nguyễn Văn A"`) reads as that name."""
    return {"name": value, "title": None} if isinstance(value, str) else value


def _lenient(model: type[BaseModel], *, name: str | None = None, **extra: Any) -> type[BaseModel]:
    """`model` with every key optional and bounded: what the importer accepts (it names what is missing)."""
    if model in _IN_MODELS and not extra and name is None:
        return _IN_MODELS[model]
    fields: dict[str, Any] = {}
    for key, info in model.model_fields.items():
        full = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
        bare, metadata, _ = _split(full)
        bound = next((m for m in metadata if isinstance(m, In)), In())
        kind = _read_in(full)
        if typing.get_origin(bare) is list:
            # null reads as an empty list, as a missing key does
            kind = Annotated[kind, BeforeValidator(_none_as_empty)]
            fields[key] = (kind, Field(default_factory=list, max_length=bound.max_length))
        else:
            if bare is PersonJSON:
                kind = Annotated[kind, BeforeValidator(_person_from_text)]
            fields[key] = (kind | None, Field(None, alias=info.alias))
    fields.update(extra)
    lenient = create_model(
        name or model.__name__.removesuffix("JSON") + "In",
        # A code or a name written as a number (`"code": 1`) reads as its text.
        __config__=ConfigDict(populate_by_name=True, coerce_numbers_to_str=True),
        __doc__=f"{model.__name__} read in: every key optional.",
        **fields,
    )
    if not extra and name is None:
        _IN_MODELS[model] = lenient
    return lenient


if TYPE_CHECKING:
    # mypy cannot follow `create_model`: to it the read-in models are "any model"; their shape is
    # PlanJSON's with every key optional, which the tests check on every gold file.
    PersonIn: TypeAlias = Any
    DocumentIn: TypeAlias = Any
    ReferenceIn: TypeAlias = Any
    TargetIn: TypeAlias = Any
    MilestoneIn: TypeAlias = Any
    TaskIn: TypeAlias = Any
    ReportingIn: TypeAlias = Any
    FindingIn: TypeAlias = Any
    PlanJSONIn: TypeAlias = Any
else:
    PersonIn = _lenient(PersonJSON)
    DocumentIn = _lenient(DocumentJSON)
    ReferenceIn = _lenient(ReferenceJSON)
    TargetIn = _lenient(
        TargetJSON,
        # The stored field is `max_value`; a JSON written from the database may carry that name.
        max=(Amount | None, Field(None, validation_alias=AliasChoices("max", "max_value"))),
    )
    _IN_MODELS[TargetJSON] = TargetIn
    MilestoneIn = _lenient(MilestoneJSON)
    TaskIn = _lenient(
        TaskJSON,
        # Not in the spec: the extractor's text of the task, where the importer looks for cited documents.
        excerpt=(Text(20000) | None, None),
    )
    _IN_MODELS[TaskJSON] = TaskIn
    ReportingIn = _lenient(ReportingJSON)
    FindingIn = _lenient(FindingJSON)
    PlanJSONIn = _lenient(PlanJSON, name="PlanJSONIn", schema_=(Text(40) | None, Field(None, alias="schema")))
