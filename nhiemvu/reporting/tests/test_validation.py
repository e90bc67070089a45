"""The services' validation decides the reporting models' check constraints in Python exactly as
the database does, so skipping the queries changes no verdict and no message."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import CheckConstraint, Model
from django.test.utils import CaptureQueriesContext

from nhiemvu.core.errors import DomainError
from nhiemvu.core.services import _check_in_python, validated_save
from nhiemvu.reporting.models import ProgressReport, ReportingCalendar, ReportingPeriod, TargetValue

pytestmark = pytest.mark.django_db

D = Decimal
DAY = dt.date(2023, 6, 14)

# (model, field values): every combination the constraints care about, NULLs included.
ROWS: list[tuple[type[Model], dict[str, Any]]] = [
    *[(ProgressReport, {"percent_done": p}) for p in (None, D(-1), D(0), D("99.99"), D(100), D("100.01"))],
    *[(ProgressReport, {"version": v}) for v in (0, 1, 2)],
    *[(ProgressReport, {"status": s}) for s in ("draft", "accepted", "archived", "")],
    *[
        (TargetValue, {"actual": a, "estimate": e})
        for a in (None, D(-3), D(0), D(5))
        for e in (None, D("-0.001"), D(7))
    ],
    *[
        (ReportingPeriod, {"starts_on": s, "ends_on": e, "due_on": d})
        for s in (None, DAY - dt.timedelta(days=30), DAY + dt.timedelta(days=1))
        for e in (None, DAY)
        for d in (None, DAY - dt.timedelta(days=1), DAY, DAY + dt.timedelta(days=2))
    ],
    *[(ReportingCalendar, {"due_working_days": n}) for n in (0, 30, 31)],
]


def database_verdicts(obj: Any) -> dict[str, bool]:
    """Each check constraint's verdict as Django asks the database."""
    verdicts = {}
    for model_class, constraints in obj.get_constraints():
        for constraint in constraints:
            if hasattr(constraint, "condition") and not hasattr(constraint, "fields"):
                try:
                    constraint.validate(model_class, obj)
                    verdicts[constraint.name] = True
                except ValidationError:
                    verdicts[constraint.name] = False
    return verdicts


@pytest.mark.parametrize(("model", "values"), ROWS)
def test_python_and_the_database_agree_on_every_check_constraint(
    model: type[Model], values: dict[str, Any]
) -> None:
    obj = model(**values)
    expected = database_verdicts(obj)
    assert expected, "the model has check constraints"
    for constraint in model._meta.constraints:
        if constraint.name in expected:
            assert isinstance(constraint, CheckConstraint)
            verdict = _check_in_python(obj, constraint.condition, set())
            assert verdict in (True, False, None), (constraint.name, verdict)  # decided, no query
            assert (verdict is not False) == expected[constraint.name], constraint.name


def test_a_constraint_over_an_excluded_field_is_skipped_as_django_skips_it() -> None:
    obj = TargetValue(actual=D(-1))
    constraint = TargetValue._meta.constraints[1]
    assert isinstance(constraint, CheckConstraint)
    condition = constraint.condition
    assert _check_in_python(obj, condition, {"actual"}) is not False


def test_an_invalid_value_is_refused_with_the_model_s_message_and_without_a_query(cast: Any) -> None:
    from nhiemvu.testing import make_plan

    plan = make_plan(cast, tasks=1, targets_per_task=1)
    target = plan.tasks.get().targets.get()

    class Refused(DomainError):
        code = "refused"

    report = ProgressReport.objects.create(
        task=target.task, period=_period(plan), organisation=cast.forest_unit
    )
    value = TargetValue(report=report, target=target, actual=D(-1))
    with CaptureQueriesContext(connection) as queries, pytest.raises(Refused, match="không được âm"):
        validated_save(value, error=Refused, exclude=["report", "target"])
    assert len(queries) == 0
    report.percent_done = D(101)
    with pytest.raises(Refused, match="0 đến 100"):
        validated_save(report, error=Refused, fields=["percent_done"])
    report.refresh_from_db()
    assert report.percent_done is None


def _period(plan: Any) -> ReportingPeriod:
    return ReportingPeriod.objects.create(
        plan=plan,
        frequency="monthly",
        key="2023-06",
        label="Tháng 6/2023",
        starts_on=DAY,
        ends_on=DAY,
        due_on=DAY,
    )
