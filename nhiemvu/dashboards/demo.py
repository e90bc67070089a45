"""A synthetic province for demos and benchmarks: agencies, yearly plans, tasks, targets and months of reports.

Everything is made up and deterministic (the same arguments give the same figures), written
with `bulk_create` so a province (1,000 tasks, 3,000 targets, 24 monthly periods) takes
seconds, not minutes. `varied=False` gives the uniform data set the consolidated-report
benchmark was tuned on: every task reports every month, on time, at the same pace.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from nhiemvu.cascade.models import TaskLink
from nhiemvu.organisations.models import Membership, Official, Organisation, OrganisationKind, Role
from nhiemvu.organisations.selectors import scope_changed
from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.reporting.models import Obstacle, ObstacleStatus, ProgressReport, ReportStatus, TargetValue
from nhiemvu.reporting.services import periods_generate

DEMO_PASSWORD = "nhiemvu-demo-2023"


@dataclass(frozen=True)
class Scale:
    agencies: int
    plans_per_agency: int  # consecutive yearly plans: two give 24 monthly periods
    tasks_per_plan: int
    targets_per_task: int


SCALES = {
    # 20 agencies x 2 yearly plans x 25 tasks = 1,000 tasks, 3,000 targets, 24 monthly periods.
    "province": Scale(agencies=20, plans_per_agency=2, tasks_per_plan=25, targets_per_task=3),
    "agency": Scale(agencies=2, plans_per_agency=2, tasks_per_plan=15, targets_per_task=2),
    "tiny": Scale(agencies=1, plans_per_agency=1, tasks_per_plan=4, targets_per_task=2),
}


@dataclass
class DemoSet:
    plan_ids: list[int] = field(default_factory=list)
    usernames: list[str] = field(default_factory=list)
    reports: int = 0


def _pace(order: int) -> Decimal:
    """How fast a task moves against its straight-line plan: a spread of laggards and finishers."""
    return Decimal((60, 80, 95, 105, 115, 70, 100, 125, 90, 55)[order % 10]) / 100


@transaction.atomic
def seed_province(
    *,
    scale: Scale,
    start_year: int,
    today: dt.date | None = None,
    varied: bool = True,
    users: bool = True,
    decisions: bool = True,
) -> DemoSet:
    """Create the data set; returns the plan ids and the demo users' names.

    With `decisions`, the province also issues each year's decision on every agency's key tasks, and
    each agency's plan is linked to it (`_seed_decisions`).

    Reports exist for the monthly periods whose cut-off is on or before `today` (all of
    them when `today` is None). With `varied`, tasks move at different paces, finish early
    or late, a few units send late or not at all, and some targets are upper bounds.
    """
    result = DemoSet()
    province = Organisation.objects.create(
        name="UBND tỉnh Thử Nghiệm", kind=OrganisationKind.PROVINCE_COMMITTEE
    )
    first_department = None
    first_deputy = None
    first_unit = None
    for a in range(scale.agencies):
        department = Organisation.objects.create(
            parent=province, name=f"Sở số {a + 1:02d}", kind=OrganisationKind.DEPARTMENT
        )
        units = Organisation.objects.bulk_create(
            [
                Organisation(parent=department, name=f"Chi cục {u + 1} của Sở {a + 1}", kind="sub_department")
                for u in range(5)
            ]
        )
        leaders = Official.objects.bulk_create(
            [
                Official(
                    full_name=f"Phó Giám đốc {d + 1} Sở {a + 1}",
                    position="Phó Giám đốc Sở",
                    organisation=department,
                )
                for d in range(3)
            ]
        )
        if first_department is None:
            first_department, first_deputy, first_unit = department, leaders[0], units[0]
        for y in range(scale.plans_per_agency):
            year = start_year + y
            plan = Plan.objects.create(
                title=f"Kế hoạch thực hiện nhiệm vụ trọng tâm năm {year} của Sở số {a + 1:02d}",
                year=year,
                starts_on=dt.date(year, 1, 1),
                ends_on=dt.date(year, 12, 31),
                issuer=department,
                status="active",
                reporting_frequencies=["monthly", "quarterly", "yearly"],
            )
            result.plan_ids.append(plan.pk)
            result.reports += _seed_plan(plan, units, leaders, scale, today=today, varied=varied)
    if decisions:
        _seed_decisions(province, result.plan_ids, varied=varied)
    if users and first_department is not None:
        result.usernames = _demo_users(province, first_department, first_deputy, first_unit)
    scope_changed()  # the bulk-created units and officials sent no signals
    return result


LINKED_PER_PROVINCIAL_TASK = 5


def _seed_decisions(province: Organisation, plan_ids: list[int], *, varied: bool) -> None:
    """Each year's decision of the province: for every agency, one provincial task per five of its
    plan's tasks, each carried out by those five and targeting the sum of their first targets (in
    ha, so it is summed). When varied, every fourth agency leaves its last provincial task untaken."""
    plans = list(
        Plan.objects.filter(pk__in=plan_ids).select_related("issuer").order_by("year", "issuer__name")
    )
    by_year: dict[int, list[Plan]] = {}
    for plan in plans:
        by_year.setdefault(plan.year, []).append(plan)
    for year, agency_plans in by_year.items():
        decision = Plan.objects.create(
            title=f"Phê duyệt nhiệm vụ trọng tâm năm {year} của các cơ quan, đơn vị trên địa bàn tỉnh",
            year=year,
            starts_on=dt.date(year, 1, 1),
            ends_on=dt.date(year, 12, 31),
            issuer=province,
            status="active",
            reporting_frequencies=["quarterly"],
        )
        carried: list[tuple[int, list[Task]]] = []  # provincial task's position → the agency tasks
        provincial: list[Task] = []
        for a, plan in enumerate(agency_plans):
            tasks = list(plan.tasks.order_by("order"))
            groups = [
                tasks[i : i + LINKED_PER_PROVINCIAL_TASK]
                for i in range(0, len(tasks), LINKED_PER_PROVINCIAL_TASK)
            ]
            for g, group in enumerate(groups):
                provincial.append(
                    Task(
                        plan=decision,
                        code=str(len(provincial) + 1),
                        title=f"Nhóm nhiệm vụ trọng tâm số {g + 1} giao {plan.issuer.name}",
                        order=len(provincial) + 1,
                        lead_unit=plan.issuer,
                        deadline=dt.date(year, 12, 31),
                    )
                )
                untaken = varied and a % 4 == 3 and g == len(groups) - 1
                carried.append((len(provincial) - 1, [] if untaken else group))
        provincial = Task.objects.bulk_create(provincial)
        firsts = {
            t.task_id: t.value for t in Target.objects.filter(task__plan__in=agency_plans, order=0, unit="ha")
        }
        Target.objects.bulk_create(
            [
                Target(
                    task=provincial[i],
                    name="diện tích thực hiện",
                    unit="ha",
                    value=sum((firsts.get(t.pk, Decimal(0)) for t in group), Decimal(0)) or Decimal(1000),
                    order=0,
                )
                for i, group in carried
            ]
        )
        TaskLink.objects.bulk_create(
            [TaskLink(provincial_task=provincial[i], agency_task=t) for i, group in carried for t in group]
        )


def _seed_plan(
    plan: Plan,
    units: list[Organisation],
    leaders: list[Official],
    scale: Scale,
    *,
    today: dt.date | None,
    varied: bool,
) -> int:
    year = plan.year
    tasks = Task.objects.bulk_create(
        [
            Task(
                plan=plan,
                code=str(i + 1),
                title=f"Nhiệm vụ {i + 1}: triển khai nội dung trọng tâm số {i + 1} của Sở",
                order=i + 1,
                leader=leaders[i % 3],
                lead_unit=units[i % 5],
                deadline=dt.date(year, 3 + (i % 10), 28),
            )
            for i in range(scale.tasks_per_plan)
        ]
    )
    targets = Target.objects.bulk_create(
        [
            # Every seventh target (when varied) is an upper bound, the way poverty or loss rates are set.
            Target(
                task=t,
                name=f"tỷ lệ {j + 1} không vượt mức",
                unit="%",
                comparator="<=",
                value=Decimal(3),
                order=j,
            )
            if varied and (t.order * 3 + j) % 7 == 0
            else Target(task=t, name=f"chỉ tiêu {j + 1}", unit="ha", value=Decimal(1000 * (j + 1)), order=j)
            for t in tasks
            for j in range(scale.targets_per_task)
        ]
    )
    by_task: dict[int, list[Target]] = {}
    for target in targets:
        by_task.setdefault(target.task_id, []).append(target)
    milestones = [
        Milestone(task=t, due=dt.date(year, 6, 30), text="hoàn thành bước đầu", order=0) for t in tasks
    ]
    if varied:
        # A share by a season's end, as plans write it ("75% diện tích trong vụ Đông Xuân");
        # every other one leaves the season's date out, which the forecast must say it can't check.
        for t in tasks[::5]:
            first = by_task[t.pk][0]
            if first.comparator == "<=":
                continue
            milestones.append(
                Milestone(
                    task=t,
                    due=dt.date(year, 5, 31) if t.order % 2 else None,
                    text="75% khối lượng trong vụ Đông Xuân",
                    value=first.value * Decimal("0.75"),
                    unit=first.unit,
                    order=1,
                )
            )
    Milestone.objects.bulk_create(milestones)
    periods_generate(plan=plan)
    months = list(plan.periods.filter(frequency="monthly").order_by("ends_on"))
    if today is not None:
        months = [m for m in months if m.ends_on <= today]
    reports: list[ProgressReport] = []
    for t in tasks:
        pace = _pace(t.order) if varied else Decimal(1)
        done_on = None
        for k, m in enumerate(months):
            if varied and (t.order + k) % 23 == 0:
                continue  # a missed report
            late_days = 6 if varied and (t.order * 7 + k) % 11 == 0 else 0
            share = pace * Decimal(m.ends_on.month) / 12
            finished = varied and share >= 1 and done_on is None
            if finished:
                done_on = m.ends_on
            sent = timezone.make_aware(dt.datetime(m.ends_on.year, m.ends_on.month, 15 + (t.order % 5), 9))
            sent += dt.timedelta(days=late_days)
            reports.append(
                ProgressReport(
                    task=t,
                    period=m,
                    organisation=t.lead_unit,
                    status=ReportStatus.ACCEPTED,
                    percent_done=Decimal(min(100, 8 * (k + 1)))
                    if not varied
                    else min(Decimal(100), share * 100),
                    completed_on=done_on if varied and done_on is not None else None,
                    narrative="Đã triển khai theo kế hoạch.",
                    proposals="Đề nghị bổ sung kinh phí." if (t.order + k) % 7 == 0 else "",
                    submitted_at=sent,
                )
            )
    reports = ProgressReport.objects.bulk_create(reports, batch_size=5000)
    values = []
    for r in reports:
        pace = _pace(r.task.order) if varied else Decimal(1)
        for target in by_task[r.task_id]:
            if target.comparator == "<=":
                # A rate drifting up for slow tasks, down for the others.
                actual = (
                    Decimal("2.4")
                    + (Decimal("0.1") if pace < 1 else Decimal("-0.05")) * r.period.ends_on.month
                )
            else:
                actual = target.value * pace * Decimal(r.period.ends_on.month) / 12
                if varied:
                    actual = min(actual, target.value * Decimal("1.1"))
            values.append(TargetValue(report=r, target=target, actual=max(actual, Decimal(0))))
    TargetValue.objects.bulk_create(values, batch_size=5000)
    Obstacle.objects.bulk_create(
        [
            Obstacle(
                report=r,
                description=f"Vướng mắc về mặt bằng ({r.task.code})",
                needs="Hỗ trợ",
                addressed_to="UBND huyện",
                # Older obstacles have been dealt with; the recent ones are still open.
                status=ObstacleStatus.RESOLVED
                if varied and today is not None and (today - r.period.ends_on).days > 120
                else ObstacleStatus.OPEN,
            )
            for n, r in enumerate(reports)
            if n % 10 == 0
        ]
    )
    return len(reports)


def _demo_users(
    province: Organisation, department: Organisation, deputy: Official | None, unit: Organisation | None
) -> list[str]:
    """One user per role for the first agency and a provincial reviewer who sees all twenty."""
    User = get_user_model()
    made = []
    for username, org, role in (
        ("demo-tinh", province, Role.PROVINCIAL_REVIEWER),
        ("demo-giamdoc", department, Role.DIRECTOR),
        ("demo-pgd", department, Role.DEPUTY_DIRECTOR),
        ("demo-chicuc", unit, Role.UNIT_STAFF),
    ):
        if org is None or User.objects.filter(username=username).exists():
            continue
        user = User.objects.create_user(username=username, password=DEMO_PASSWORD)
        Membership.objects.create(user=user, organisation=org, role=role)
        if role == Role.DEPUTY_DIRECTOR and deputy is not None:
            deputy.user = user
            deputy.save(update_fields=["user"])
        made.append(username)
    return made
