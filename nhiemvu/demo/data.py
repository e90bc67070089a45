"""The demo data set: the sample department, its plan imported from the seed document, a user per role."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.utils import timezone

from nhiemvu.ingest.parsing import extract_file
from nhiemvu.ingest.selectors import plan_find_by_hash
from nhiemvu.ingest.services import plan_import_commit
from nhiemvu.organisations.models import Membership, Official, Organisation, OrganisationKind, Role
from nhiemvu.plans.models import Plan, PlanStatus
from nhiemvu.reporting.services import periods_generate

from .chain import chain_load
from .live import DEMO_PASSWORD, UNITS, live_plan_load


@dataclass
class DemoLogin:
    username: str
    role: str
    organisation: str


def demo_load(*, plan_path: Path, live: bool = False) -> tuple[Plan, list[DemoLogin]]:
    """Build (or refresh) the demo: safe to run again, it never duplicates the plans or the users.

    The seed plan and the users first, then (with `live`) this year's plan with its reporting
    history (`demo.live`), each in its own transaction. The history's e-mails are not sent: they
    tell of reviews that happened months ago; the in-app notifications are there to read.
    """
    with transaction.atomic():
        plan, logins, department, planning_division = _seed_load(plan_path)
    if live:
        from django.test.utils import override_settings

        # The notices the history raises run after its commit: inside the override, so they are
        # stamped as e-mailed without printing a hundred messages on the console.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            current = live_plan_load(
                department=department, planning_division=planning_division, today=timezone.localdate()
            )
        if plan.year < current.year and plan.status == PlanStatus.ACTIVE:
            # The sample's year is over: it is kept, finished, and no longer chased or charted.
            plan.status = PlanStatus.CLOSED
            plan.save(update_fields=["status", "updated_at"])
        with transaction.atomic():
            chain_load(
                province=Organisation.objects.get(children=department),
                plans=[plan, current],
                user=get_user_model().objects.get(username="khtc"),
                today=timezone.localdate(),
            )
        known = {login.username for login in logins}
        logins += [
            DemoLogin(unit.username, str(Role.UNIT_STAFF.label), unit.name)
            for unit in UNITS.values()
            if unit.username not in known
        ]
    return plan, logins


def _seed_load(plan_path: Path) -> tuple[Plan, list[DemoLogin], Organisation, Organisation]:
    province, _ = Organisation.objects.get_or_create(
        parent=None,
        name="UBND tỉnh Lạng Sơn",
        defaults={"short_name": "UBND tỉnh", "kind": OrganisationKind.PROVINCE_COMMITTEE},
    )
    department, _ = Organisation.objects.get_or_create(
        parent=province,
        name="Sở Nông nghiệp và Phát triển nông thôn",
        defaults={
            "short_name": "Sở NN&PTNT",
            "aliases": ["Sở Nông nghiệp và PTNT", "Sở NNPTNT"],
            "kind": OrganisationKind.DEPARTMENT,
        },
    )
    planning_division, _ = Organisation.objects.get_or_create(
        parent=department,
        name="Phòng Kế hoạch – Tài chính",
        defaults={"short_name": "Phòng KH-TC", "aliases": ["KHTC"], "kind": OrganisationKind.DIVISION},
    )

    data = plan_path.read_bytes()
    plan = plan_find_by_hash(hashlib.sha256(data).hexdigest())
    if plan is None:
        plan_json = extract_file(plan_path)
        plan = plan_import_commit(
            plan_json=plan_json, issuer=department, user=None, source_name=plan_path.name, source_bytes=data
        )
    if plan.status == PlanStatus.DRAFT:
        plan.status = PlanStatus.ACTIVE
        plan.save(update_fields=["status", "updated_at"])
    periods_generate(plan=plan)

    leaders = list(Official.objects.filter(led_tasks__plan=plan).distinct().order_by("full_name"))
    lead_units = list(Organisation.objects.filter(lead_tasks__plan=plan).distinct().order_by("name"))
    unit = next((u for u in lead_units if "Kiểm lâm" in u.name), lead_units[0] if lead_units else department)

    people = [
        ("giamdoc", "Lý Việt Hưng", Role.DIRECTOR, department, None),
        ("phogiamdoc", leaders[0].full_name if leaders else "Phó Giám đốc", Role.DEPUTY_DIRECTOR, department,
         leaders[0] if leaders else None),
        ("khtc", "Cán bộ Phòng KH-TC", Role.PLANNING_FINANCE, planning_division, None),
        ("donvi", f"Cán bộ {unit.name}", Role.UNIT_STAFF, unit, None),
        ("ubndtinh", "Chuyên viên Văn phòng UBND tỉnh", Role.PROVINCIAL_REVIEWER, province, None),
    ]  # fmt: skip
    logins: list[DemoLogin] = []
    User = get_user_model()
    for username, full_name, role, organisation, official in people:
        user, created = User.objects.get_or_create(username=username)
        if created:
            first, _, last = full_name.rpartition(" ")
            user.first_name, user.last_name = first, last
            user.email = f"{username}@demo.nhiemvu.local"
            user.is_staff = role == Role.PLANNING_FINANCE
            user.set_password(DEMO_PASSWORD)
            user.save()
            if user.is_staff:
                # Planning-Finance keeps the holiday table (Tết moves every year) in the admin.
                user.user_permissions.add(
                    *Permission.objects.filter(
                        content_type__app_label="reporting", codename__endswith="_holiday"
                    )
                )
        Membership.objects.get_or_create(user=user, organisation=organisation, role=role)
        if official is not None and official.user_id is None:
            official.user = user
            official.save(update_fields=["user", "updated_at"])
        logins.append(DemoLogin(username, str(role.label), organisation.name))
    return plan, logins, department, planning_division
