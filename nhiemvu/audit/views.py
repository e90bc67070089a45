"""/audit/: the audit trail, read-only, for planning-finance and the director of a department."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import AuditFilterForm
from .models import AuditEntry

PAGE_SIZE = 50


@require_GET
@login_required
def log_list(request: HttpRequest) -> HttpResponse:
    orgs = selectors.audit_organisation_ids(request.user)
    if orgs == set():
        raise Http404
    models = [
        (ct.pk, str(ct.model_class()._meta.verbose_name).capitalize())
        for ct in selectors.audited_content_types()
    ]  # type: ignore[union-attr]
    form = AuditFilterForm(request.GET or None, models=models, actors=selectors.actors_in_trail(orgs))
    filters = form.filters()
    entries = selectors.entries_of(orgs, filters) if filters is not None else AuditEntry.objects.none()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log_list.html",
        {"form": form, "page": page, "rows": [_row(e) for e in page], "query": query.urlencode()},
    )


def _row(entry: AuditEntry) -> dict[str, object]:
    """One entry as the template shows it: field label, before, after."""
    model = entry.content_type.model_class()
    labels: dict[str, str] = {}
    if model is not None:
        labels = {f.name: str(getattr(f, "verbose_name", f.name)) for f in model._meta.get_fields()}
    changes = [
        {"field": labels.get(name, name), "before": values[0], "after": values[1]}
        for name, values in (entry.changes_dict or {}).items()
        if isinstance(values, list | tuple) and len(values) == 2
    ]
    return {
        "entry": entry,
        "model": str(model._meta.verbose_name).capitalize()
        if model is not None
        else entry.content_type.model,
        "changes": changes,
    }
