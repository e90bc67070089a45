"""Write helpers shared by every app's services."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models
from django.db.models import F, Q

from .errors import DomainError


def validated_save(
    obj: models.Model,
    *,
    error: type[DomainError],
    where: str = "",
    where_en: str = "",
    fields: Collection[str] | None = None,
    unique: bool = True,
    exclude: Collection[str] | None = None,
) -> None:
    """`full_clean()` then `save()`, turning a validation error into `error` with the model's own messages.

    The models' messages (constraint `violation_error_message`s included) are written for people,
    so they are passed on as they are, prefixed by what was being saved.

    `fields` names the only fields changed on a stored row: just those are checked (with the
    constraints over them) and written. `unique=False` leaves uniqueness to the database where
    the caller holds a lock that already rules a duplicate out.
    """
    try:
        _full_clean(obj, fields=fields, unique=unique, exclude=set(exclude or ()))
    except ValidationError as exc:
        prefix, prefix_en = (f"{where}: ", f"{where_en}: ") if where else ("", "")
        names = ", ".join(getattr(exc, "message_dict", {}) or ["value"])
        raise error(
            prefix + "; ".join(str(m) for m in exc.messages), message_en=f"{prefix_en}invalid ({names})"
        ) from exc
    if fields is None:
        obj.save()
    else:
        stamped = [f.name for f in obj._meta.concrete_fields if getattr(f, "auto_now", False)]
        obj.save(update_fields=[*fields, *(n for n in stamped if n not in fields)])


def _full_clean(
    obj: models.Model, *, fields: Collection[str] | None, unique: bool, exclude: set[str]
) -> None:
    """Django's `full_clean()`, less the queries that cannot find anything.

    A foreign key whose object is loaded (from the database) needs no `SELECT 1` to prove the row
    exists: the database's own key constraint still stands behind it. Check constraints that are
    plain comparisons of the row's own values are decided in Python, with SQL's NULL logic;
    Django would ask the database with a query in a savepoint, three round trips each.
    """
    if fields is not None:
        exclude |= {f.name for f in obj._meta.concrete_fields} - set(fields)
    errors: dict[str, Any] = {}
    try:
        obj.clean_fields(exclude=exclude | _loaded_foreign_keys(obj))
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    try:
        obj.clean()
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    exclude |= {name for name in errors if name != NON_FIELD_ERRORS}
    if unique:
        try:
            obj.validate_unique(exclude=exclude)
        except ValidationError as e:
            errors = e.update_error_dict(errors)
    try:
        _validate_constraints(obj, exclude=exclude, unique=unique)
    except ValidationError as e:
        errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


def _loaded_foreign_keys(obj: models.Model) -> set[str]:
    """Foreign keys whose related object is loaded on `obj` and is a stored row with that key."""
    loaded = set()
    for field in obj._meta.concrete_fields:
        if not isinstance(field, models.ForeignKey):  # one-to-one fields are foreign keys too
            continue
        value = getattr(obj, field.attname)
        if value is None or not field.is_cached(obj) or field.get_limit_choices_to():
            continue
        related = field.get_cached_value(obj)
        if (
            related is not None
            and not related._state.adding
            and getattr(related, field.target_field.attname) == value
        ):
            loaded.add(field.name)
    return loaded


# Kept because bench/pages.py shows what it saves (PostgreSQL, province data, median of 30,
# 2026-12-05): the report form's submit POST makes 27 queries with it and 48 with Django's plain
# `validate_constraints()` (each check constraint is a query in a savepoint), CPU 23.5 ms against
# 26.7 ms; the pages that only read are unchanged.
def _validate_constraints(obj: models.Model, *, exclude: set[str], unique: bool) -> None:
    """`Model.validate_constraints()`, deciding simple check constraints without a query."""
    errors: dict[str, Any] = {}
    for model_class, constraints in obj.get_constraints():
        for constraint in constraints:
            try:
                if isinstance(constraint, models.CheckConstraint):
                    verdict = _check_in_python(obj, constraint.condition, exclude)
                    if verdict is _SKIP:
                        continue
                    if verdict is not _UNDECIDED:
                        if verdict is False:
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                        continue
                elif isinstance(constraint, models.UniqueConstraint) and not unique:
                    continue
                constraint.validate(model_class, obj, exclude=exclude)
            except ValidationError as e:
                fields: tuple[str, ...] = tuple(getattr(constraint, "fields", ()))
                if getattr(e, "code", None) == "unique" and len(fields) == 1:
                    errors.setdefault(fields[0], []).append(e)
                else:
                    errors = e.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


# The constraint names an excluded field: Django skips it too. / Not a plain comparison: ask the database.
_SKIP, _UNDECIDED = _Marker("skip"), _Marker("undecided")
_ORDERED = (int, Decimal, dt.date)  # compared the same in Python and SQL (a datetime's zone may not be)
_EQUATABLE = (*_ORDERED, str, bool)
_COMPARE = {
    "exact": lambda a, b: a == b,
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


def _check_in_python(obj: models.Model, condition: Any, exclude: set[str]) -> Any:
    """True, False or None (SQL's unknown, which a check constraint lets pass), or a marker.

    Only comparisons of a field with a constant or another field of the row, `isnull` and `in`
    over numbers, dates and strings, joined by AND, OR and NOT, are decided here.
    """
    if not isinstance(condition, Q):
        return _UNDECIDED
    verdicts = []
    for child in condition.children:
        if isinstance(child, Q):
            verdict = _check_in_python(obj, child, exclude)
        elif isinstance(child, tuple) and len(child) == 2:
            verdict = _lookup_in_python(obj, child[0], child[1], exclude)
        else:
            return _UNDECIDED
        if verdict is _SKIP or verdict is _UNDECIDED:
            return verdict
        verdicts.append(verdict)
    if condition.connector == Q.AND:
        result = False if False in verdicts else (None if None in verdicts else True)
    elif condition.connector == Q.OR:
        result = True if True in verdicts else (None if None in verdicts else False)
    else:
        return _UNDECIDED
    if condition.negated:
        return None if result is None else not result
    return result


def _field_value(obj: models.Model, name: str, exclude: set[str]) -> Any:
    if name == "pk":
        return obj.pk
    try:
        field = obj._meta.get_field(name)
    except Exception:
        return _UNDECIDED
    if (
        not isinstance(field, models.Field)
        or not field.concrete
        or field.model is not type(obj)._meta.concrete_model
    ):
        return _UNDECIDED
    if name in exclude:
        return _SKIP
    return getattr(obj, field.attname)


def _lookup_in_python(obj: models.Model, lookup: str, rhs: Any, exclude: set[str]) -> Any:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    if "__" in kind:
        return _UNDECIDED
    value = _field_value(obj, name, exclude)
    if value is _SKIP or value is _UNDECIDED:
        return value
    if isinstance(rhs, F):
        rhs = _field_value(obj, str(rhs.name), exclude)  # type: ignore[attr-defined]  # F keeps its name; the stubs omit it
        if rhs is _SKIP or rhs is _UNDECIDED:
            return rhs
    elif rhs is None or hasattr(rhs, "resolve_expression"):
        return _UNDECIDED  # `field=None` means IS NULL to Django; expressions need the database
    if kind == "isnull":
        return (value is None) == rhs if isinstance(rhs, bool) else _UNDECIDED
    if kind == "in":
        if not isinstance(rhs, list | tuple | set | frozenset) or not rhs:
            return _UNDECIDED
        if value is None:
            return None
        return _decide(lambda: value in rhs, value, *rhs, ordered=False)
    if kind not in _COMPARE:
        return _UNDECIDED
    if value is None or rhs is None:
        return None
    return _decide(lambda: _COMPARE[kind](value, rhs), value, rhs, ordered=kind != "exact")


def _decide(compare: Any, *operands: Any, ordered: bool) -> Any:
    """`compare()` when all operands are of one kind Python and SQL compare alike, else undecided."""
    allowed = _ORDERED if ordered else _EQUATABLE
    kinds = set()
    for operand in operands:
        if not isinstance(operand, allowed) or isinstance(operand, dt.datetime):
            return _UNDECIDED
        kinds.add(
            "bool"
            if isinstance(operand, bool)
            else "str"
            if isinstance(operand, str)
            else "date"
            if isinstance(operand, dt.date)
            else "number"
        )
    if len(kinds) != 1:
        return _UNDECIDED
    try:
        return bool(compare())
    except (TypeError, ArithmeticError):
        return _UNDECIDED
