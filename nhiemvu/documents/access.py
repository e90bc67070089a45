"""Who may build which consolidated report, and the periods a report is built from."""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from nhiemvu.organisations.models import Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import AccessScope, User, access_scope, organisation_descendant_ids
from nhiemvu.reporting.models import ReportingPeriod


def period_queryset() -> QuerySet[ReportingPeriod]:
    """Periods with what the letterhead needs, so the report's query count does not depend on it."""
    return ReportingPeriod.objects.select_related(
        "plan", "plan__issuer", "plan__issuer__parent", "plan__source_document"
    )


def may_report_on(scope: AccessScope, issuer_id: int) -> bool:
    """A period report shows the whole plan: for those who see it whole (director, planning-finance, province)."""
    return scope.sees_whole_plan_of(issuer_id)


def may_report_province(scope: AccessScope) -> bool:
    return scope.superuser or Role.PROVINCIAL_REVIEWER in scope.roles


def period_for_report(user: User, pk: int, scope: AccessScope | None = None) -> ReportingPeriod:
    """The period if the user may download its consolidated report, else 404."""
    scope = access_scope(user) if scope is None else scope
    period = get_object_or_404(period_queryset(), pk=pk)
    if not may_report_on(scope, period.plan.issuer_id):
        raise Http404
    return period


def period_by_key(user: User, plan_id: int, key: str, scope: AccessScope | None = None) -> ReportingPeriod:
    scope = access_scope(user) if scope is None else scope
    period = get_object_or_404(period_queryset(), plan_id=plan_id, key=key)
    if not may_report_on(scope, period.plan.issuer_id):
        raise Http404
    return period


def provincial_periods(
    user: User,
    key: str,
    *,
    plan_ids: Sequence[int] | None = None,
    province_id: int | None = None,
    scope: AccessScope | None = None,
) -> tuple[list[ReportingPeriod], Organisation | None]:
    """The `key` period of each plan for the provincial report: the given plans, or every plan under a province.

    Only provincial reviewers and superusers; only plans whose issuer the user sees whole.
    """
    scope = access_scope(user) if scope is None else scope
    if not may_report_province(scope):
        raise Http404
    periods = period_queryset().filter(key=key)
    if not scope.superuser:
        periods = periods.filter(plan__issuer_id__in=scope.department_orgs)
    province = None
    if province_id is not None:
        province = get_object_or_404(Organisation, pk=province_id)
        periods = periods.filter(plan__issuer_id__in=organisation_descendant_ids(province.pk))
    if plan_ids is not None:
        periods = periods.filter(plan_id__in=list(plan_ids))
    return list(periods.order_by("plan__issuer__name", "plan_id")), province


def template_agencies(user: User, scope: AccessScope | None = None) -> QuerySet[Organisation]:
    """The agencies whose report templates the user manages: Planning-Finance its own department
    (the body that issues the plans), a superuser every department."""
    scope = access_scope(user) if scope is None else scope
    agencies = Organisation.objects.filter(
        kind__in=[OrganisationKind.DEPARTMENT, OrganisationKind.PROVINCE_COMMITTEE]
    )
    if not scope.superuser:
        agencies = agencies.filter(pk__in=scope.review_orgs)
    return agencies.order_by("name")


def template_agency(user: User, pk: int) -> Organisation:
    """The agency if the user manages its templates, else 404."""
    return get_object_or_404(template_agencies(user), pk=pk)
