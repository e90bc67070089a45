"""/audit/: the audit trail, read-only, for planning-finance and the director of a department."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.core.templatetags.nv import format_number

from . import selectors
from .forms import AuditFilterForm
from .models import AuditEntry

PAGE_SIZE = 50


@require_GET
@login_required
def log_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    orgs = selectors.audit_organisation_ids(request.user)
    if orgs == set():
        raise Http404
    models = [
        (ct.pk, str(model._meta.verbose_name).capitalize())
        for ct in selectors.audited_content_types()
        if (model := ct.model_class()) is not None
    ]
    form = AuditFilterForm(request.GET or None, models=models, actors=selectors.actors_in_trail(orgs))
    filters = form.filters()
    entries = selectors.entries_of(orgs, filters) if filters is not None else AuditEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    entries_on_page = list(page)
    readable = _Readable(entries_on_page)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log_list.html",
        {
            "form": form,
            "page": page,
            "rows": [readable.row(e) for e in entries_on_page],
            "query": query.urlencode(),
        },
    )


class _Readable:
    """Turns the strings django-auditlog stored ("None", "True", "8650.0000", a foreign key's id,
    "2026-12-05 04:37:34.123456+00:00", a choice's code) into what a person reads: field labels,
    choice labels, names, local dates and times, `1.000,5`. Names are looked up once per page."""

    EMPTY = "—"

    def __init__(self, entries: list[AuditEntry]) -> None:
        wanted: dict[type[models.Model], set[str]] = defaultdict(set)
        for entry in entries:
            model = entry.content_type.model_class()
            for name, values in self._pairs(entry):
                field = self._field(model, name)
                if isinstance(field, models.ForeignKey):
                    wanted[field.related_model].update(v for v in values if v not in (None, "None", ""))
        self.names: dict[tuple[type[models.Model], str], str] = {}
        for related, pks in wanted.items():
            ids = [pk for pk in pks if str(pk).isdigit()]
            for obj in related._default_manager.filter(pk__in=ids):
                self.names[(related, str(obj.pk))] = self._name(obj)

    @staticmethod
    def _pairs(entry: AuditEntry) -> list[tuple[str, tuple[Any, Any]]]:
        return [
            (name, (values[0], values[1]))
            for name, values in (entry.changes_dict or {}).items()
            if isinstance(values, list | tuple) and len(values) == 2
        ]

    @staticmethod
    def _field(model: type[models.Model] | None, name: str) -> Any:
        if model is None:
            return None
        try:
            return model._meta.get_field(name)
        except FieldDoesNotExist:
            return None

    @staticmethod
    def _name(obj: models.Model) -> str:
        get_full_name = getattr(obj, "get_full_name", None)
        if callable(get_full_name):
            return str(get_full_name() or obj.get_username())  # type: ignore[attr-defined]  # it has get_full_name: a user
        return str(obj)

    def value(self, field: Any, raw: Any) -> str:
        if raw is None or raw in ("None", ""):
            return self.EMPTY
        text = str(raw)
        if field is None:
            return text
        if getattr(field, "choices", None):
            return str(dict(field.flatchoices).get(text, dict(field.flatchoices).get(raw, text)))
        if isinstance(field, models.BooleanField):
            return str(_("Có")) if text in ("True", "1") else str(_("Không"))
        if isinstance(field, models.ForeignKey):
            return self.names.get((field.related_model, text), _("(đã xóa) #%(pk)s") % {"pk": text})
        if isinstance(field, models.DecimalField | models.FloatField | models.IntegerField):
            return format_number(text)
        if isinstance(field, models.DateTimeField):
            moment = parse_datetime(text)
            if moment is None:
                return text
            if timezone.is_naive(moment):  # stored in UTC by the database, written without its zone
                moment = timezone.make_aware(moment, dt.UTC)
            return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")
        if isinstance(field, models.DateField):
            day = parse_date(text)
            return day.strftime("%d/%m/%Y") if day else text
        return text

    def row(self, entry: AuditEntry) -> dict[str, object]:
        model = entry.content_type.model_class()
        changes = []
        for name, (before, after) in self._pairs(entry):
            field = self._field(model, name)
            if field is not None and (
                not getattr(field, "concrete", True) or getattr(field, "primary_key", False)
            ):
                continue  # a related manager ("reporting.ReviewEvent.None"): nothing a reader can use
            label = str(getattr(field, "verbose_name", name)) if field is not None else name
            changes.append(
                {
                    "field": label[:1].upper() + label[1:],
                    "before": self.value(field, before),
                    "after": self.value(field, after),
                }
            )
        return {
            "entry": entry,
            "model": str(model._meta.verbose_name).capitalize()
            if model is not None
            else entry.content_type.model,
            "changes": changes,
        }
