"""Reads of the plan import: staged imports, a plan already imported from the same document."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from nhiemvu.organisations.models import Membership, Organisation, Role
from nhiemvu.organisations.selectors import User, access_scope, organisations_visible_to
from nhiemvu.plans.models import Plan

from .models import ImportSession, ImportStatus


def user_may_import(user: User) -> bool:
    """Importing plans is the planning-finance division's job (and a superuser's)."""
    scope = access_scope(user)
    return scope.superuser or Role.PLANNING_FINANCE in scope.roles


def import_issuer_choices(user: User) -> QuerySet[Organisation]:
    """Bodies the user may import a plan for, in their own name only: the department whose
    planning-finance they are, and its own units (a unit's roadmap); every body for a superuser.

    Never a sibling department or the province: a plan imported there would belong to that body,
    out of its author's sight (issue 22). The services check the same rule (`may_import_for`).
    """
    scope = access_scope(user)
    if scope.superuser:
        return organisations_visible_to(user).order_by("name")
    return Organisation.objects.filter(pk__in=scope.review_orgs).order_by("name")


def may_import_for(user: User, issuer: Organisation) -> bool:
    scope = access_scope(user)
    return scope.superuser or issuer.pk in scope.review_orgs


def import_default_issuer(user: User) -> Organisation | None:
    """The user's department: the nearest department above (or at) their planning-finance membership."""
    if not user.is_authenticated:
        return None
    membership = (
        Membership.objects.filter(user=user, role=Role.PLANNING_FINANCE)
        .select_related("organisation")
        .first()
        or Membership.objects.filter(user=user).select_related("organisation").first()
    )
    if membership is None:
        return None
    org: Organisation | None = membership.organisation
    start = org
    # A planning-finance division belongs to a department; the department issues the plans.
    while org is not None and org.kind not in {"department", "district", "province_committee"}:
        org = org.parent
    return org or start


def import_session_done(user: User, pk: int) -> ImportSession | None:
    """This user's import if it was already committed or discarded (None while pending, being read,
    failed, or not theirs)."""
    return (
        ImportSession.objects.filter(pk=pk, created_by_id=user.pk)
        .exclude(status__in=[ImportStatus.PENDING, ImportStatus.PROCESSING, ImportStatus.FAILED])
        .only("pk", "status", "plan_id")
        .first()
    )


def import_session_job(user: User, pk: int) -> ImportSession:
    """This user's import in whatever state (its progress page follows it to the end), else 404."""
    return get_object_or_404(
        ImportSession.objects.select_related("issuer").defer("file_bytes", "source_text"),
        pk=pk,
        created_by_id=user.pk,
    )


def import_sessions_unfinished(user: User) -> QuerySet[ImportSession]:
    """This user's uploads still being read in the background, or that could not be read."""
    return (
        ImportSession.objects.filter(
            created_by_id=user.pk, status__in=[ImportStatus.PROCESSING, ImportStatus.FAILED]
        )
        .only("pk", "file_name", "status", "progress_done", "progress_total", "created_at")
        .order_by("-created_at")
    )


def import_session_get(user: User, pk: int) -> ImportSession:
    """A pending import of this user, else 404: nobody reviews another person's upload."""
    return get_object_or_404(
        ImportSession.objects.select_related("issuer"),
        pk=pk,
        created_by_id=user.pk,
        status=ImportStatus.PENDING,
    )


def _plans_of(issuer: Organisation | None) -> QuerySet[Plan]:
    plans = Plan.objects.filter(issuer=issuer) if issuer is not None else Plan.objects.all()
    return plans.select_related("source_document", "issuer")


def plan_find_by_hash(content_hash: str, issuer: Organisation | None = None) -> Plan | None:
    """The plan imported from a file with these exact bytes, if any (of `issuer`'s plans, given one)."""
    if not content_hash:
        return None
    return _plans_of(issuer).filter(source_document__content_hash=content_hash).order_by("pk").first()


def plan_find_by_number(
    number: str | None, issued_on: dt.date | None, issuer: Organisation | None = None
) -> Plan | None:
    """The plan whose document has this number and issue date (a re-import of the same plan)."""
    if not number or issued_on is None:
        return None
    return (
        _plans_of(issuer)
        .filter(source_document__number=number, source_document__issued_on=issued_on)
        .order_by("pk")
        .first()
    )


def plan_find_existing(plan_json: dict[str, Any], content_hash: str, issuer: Organisation) -> Plan | None:
    """The plan of `issuer` an import would duplicate: same file bytes, or same document number and
    date. Only the issuer's own plans: another body's plan is neither a reason to refuse nor named."""
    found = plan_find_by_hash(content_hash, issuer)
    if found is not None:
        return found
    document = plan_json.get("document") or {}
    issued_on = document.get("issued_on")
    try:
        date = dt.date.fromisoformat(issued_on) if isinstance(issued_on, str) else None
    except ValueError:
        date = None
    return plan_find_by_number(document.get("number"), date, issuer)
