"""Reads of the reporting cycle: periods, reports, and each task's progress and status."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Min, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from nhiemvu.lib import vnholidays
from nhiemvu.organisations.selectors import AccessScope, User, access_scope
from nhiemvu.plans.models import Frequency, Plan, Task
from nhiemvu.plans.selectors import plans_carried_by_units, tasks_visible_to

from .access import ReportingUnit, reporting_unit
from .errors import AttachmentMissingError
from .models import (
    SENT_STATUSES,
    Attachment,
    Holiday,
    HolidayYear,
    MakeUpWorkday,
    Obstacle,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    ReviewEvent,
    TargetValue,
)

logger = logging.getLogger(__name__)
FREQUENCY_ORDER = [Frequency.MONTHLY, Frequency.QUARTERLY, Frequency.HALF_YEARLY, Frequency.YEARLY]


def reporting_frequency(plan: Plan) -> str:
    """Units report on the plan's finest frequency; coarser periods are windows for consolidation.

    A quarter's cut-off is its last month's cut-off, so asking units for both a June report and a
    Q2 report would be asking twice for the same figures.
    """
    for frequency in FREQUENCY_ORDER:
        if frequency in (plan.reporting_frequencies or []):
            return str(frequency)
    return str(Frequency.QUARTERLY)


def periods_of(plan: Plan, *, reporting_only: bool = False) -> QuerySet[ReportingPeriod]:
    periods = plan.periods.order_by("ends_on", "starts_on")
    if reporting_only:
        periods = periods.filter(frequency=reporting_frequency(plan))
    return periods


def period_current(plan: Plan, today: dt.date | None = None) -> ReportingPeriod | None:
    """The reporting period units are working on: the first whose send-by date has not passed."""
    today = today or timezone.localdate()
    periods = periods_of(plan, reporting_only=True)
    return periods.filter(due_on__gte=today).first() or periods.last()


def period_current_among(
    periods: list[ReportingPeriod], today: dt.date | None = None
) -> ReportingPeriod | None:
    """`period_current` picked from the plan's reporting periods already loaded (`periods_of`, in
    order), for a page that lists them anyway."""
    today = today or timezone.localdate()
    return next((p for p in periods if p.due_on >= today), periods[-1] if periods else None)


def period_get(user: User, pk: int, scope: AccessScope | None = None) -> ReportingPeriod:
    from nhiemvu.plans.selectors import plans_visible_to

    return get_object_or_404(
        ReportingPeriod.objects.select_related("plan", "plan__issuer").filter(
            plan__in=plans_visible_to(user, scope)
        ),
        pk=pk,
    )


def others_unsent(scope: AccessScope) -> Q:
    """Reports another unit has not sent: its drafts, a correction being prepared among them.

    An unsent report is the unit's working copy: its figures are not the unit's word until sent.
    Only the unit's own staff read it; Planning-Finance, the director and deputies, the support
    units and provincial reviewers see that it is being drafted (its status on the submissions
    page) but not what it says, on the web and through the API alike. A returned report was sent
    once and stays readable to those who read it then.
    """
    if scope.superuser:
        return Q(pk__in=[])
    return Q(status=ReportStatus.DRAFT) & ~Q(organisation_id__in=scope.unit_orgs)


def reports_visible_to(user: User, scope: AccessScope | None = None) -> QuerySet[ProgressReport]:
    scope = access_scope(user) if scope is None else scope
    return ProgressReport.objects.filter(task__in=tasks_visible_to(user, scope)).exclude(others_unsent(scope))


def report_get(user: User, pk: int, scope: AccessScope | None = None) -> ProgressReport:
    return get_object_or_404(
        reports_visible_to(user, scope).select_related("task", "task__plan", "period", "organisation"), pk=pk
    )


def task_get(user: User, pk: int, scope: AccessScope | None = None) -> Task:
    return get_object_or_404(
        tasks_visible_to(user, scope).select_related("plan", "plan__issuer", "leader", "lead_unit", "parent"),
        pk=pk,
    )


def task_for_report(scope: AccessScope, pk: int) -> tuple[Task, ReportingUnit]:
    """The task and the unit the user reports for on it, for the report form and its save; else 404.

    Who may open the form is `access.reporting_unit`, and it is asked here, once: every task it
    lets through is one the user sees (`tasks_visible_to` lets a unit see the tasks it leads or
    supports, and the superuser all), so the task is read by its key alone, without compiling
    the visibility rule: a twentieth of the form's CPU at the deadline (issue 20). The task comes with
    its plan, lead unit, targets and milestones: what the form and the save use, no more. The plan
    gives the audit trail each written row's department without asking the database again."""
    task = get_object_or_404(
        Task.objects.select_related("plan", "lead_unit").prefetch_related("targets", "milestones"), pk=pk
    )
    unit = reporting_unit(scope, task)
    if unit is None:
        raise Http404
    return task, unit


def task_history(task: Task, scope: AccessScope) -> QuerySet[ProgressReport]:
    """The reports on a task the user may read (`others_unsent`), newest period first, with their
    review events."""
    return (
        task.reports.exclude(others_unsent(scope))
        .select_related("period", "organisation", "supersedes", "created_by")
        .prefetch_related(
            Prefetch("events", queryset=ReviewEvent.objects.select_related("actor").order_by("at", "id")),
            Prefetch("values", queryset=TargetValue.objects.select_related("target")),
            Prefetch("obstacles", queryset=Obstacle.objects.select_related("answered_by")),
            "attachments",
        )
        .order_by("-period__ends_on", "-is_lead", "organisation__name", "-version")
    )


@dataclass
class MyTaskRow:
    task: Task
    report: ProgressReport | None
    is_lead: bool
    late: bool


def my_tasks(
    user: User, period: ReportingPeriod, *, scope: AccessScope | None = None, today: dt.date | None = None
) -> list[MyTaskRow]:
    """The tasks the user's units carry in the period's plan, with their open or latest report."""
    scope = access_scope(user) if scope is None else scope
    today = today or timezone.localdate()
    # Only what the list shows: this page is opened by every unit at the deadline, and loading the
    # tasks' descriptions, targets and support units made up half of its cost (bench/pages.py).
    tasks = list(
        Task.objects.filter(plan_id=period.plan_id)
        .filter(Q(lead_unit_id__in=scope.unit_orgs) | Q(support_units__in=scope.unit_orgs))
        .distinct()
        .only("code", "title", "deadline", "recurrence", "lead_unit_id", "order")
        .order_by("order")
    )
    reports = ProgressReport.objects.filter(
        period=period, task__in=tasks, organisation_id__in=scope.unit_orgs
    ).order_by("version")
    by_task: dict[int, ProgressReport] = {}
    for row in reports:
        by_task[row.task_id] = row
    rows = []
    for task in tasks:
        report = by_task.get(task.pk)
        is_lead = task.lead_unit_id in scope.unit_orgs
        done = report is not None and report.status in SENT_STATUSES
        rows.append(
            MyTaskRow(task=task, report=report, is_lead=is_lead, late=not done and today > period.due_on)
        )
    return rows


@dataclass
class SubmissionRow:
    task: Task
    report: ProgressReport | None
    contributions: list[ProgressReport]


def submissions(period: ReportingPeriod) -> list[SubmissionRow]:
    """Every task of the period's plan with its lead report's state and the support units' contributions."""
    tasks = list(
        Task.objects.filter(plan_id=period.plan_id).select_related("lead_unit", "leader").order_by("order")
    )
    reports = (
        ProgressReport.objects.filter(period=period)
        .select_related("organisation")
        .prefetch_related(Prefetch("events", queryset=ReviewEvent.objects.order_by("at", "id")))
        .order_by("version")
    )
    lead: dict[int, ProgressReport] = {}
    support: dict[int, dict[int, ProgressReport]] = {}
    for report in reports:
        if report.is_lead:
            lead[report.task_id] = report
        else:
            support.setdefault(report.task_id, {})[report.organisation_id] = report
    return [
        SubmissionRow(task=t, report=lead.get(t.pk), contributions=list(support.get(t.pk, {}).values()))
        for t in tasks
        if t.lead_unit_id is not None or t.pk in lead
    ]


def plans_carried_by(scope: AccessScope) -> QuerySet[Plan]:
    """Plans in which the user's units lead or support at least one task (the plan switcher of
    "my tasks", which every unit opens at the deadline). Read as the visibility rule reads them:
    the tasks led and the tasks supported through their own indexes, not one "leads or supports"
    condition over every task of every year (issue 20)."""
    if scope.superuser:
        return Plan.objects.order_by("-year", "title")
    return plans_carried_by_units(scope.unit_orgs).order_by("-year", "title")


def tasks_with_plan_data(plan_id: int) -> QuerySet[Task]:
    """A plan's tasks with what status and attainment need, prefetched."""
    return (
        Task.objects.filter(plan_id=plan_id)
        .select_related("plan", "plan__issuer", "leader", "lead_unit", "parent")
        .prefetch_related(
            "targets",
            "milestones",
            "support_units",
        )
        .order_by("order")
    )


def attachment_open(attachment: Attachment) -> Any:
    """The attachment's stored file, open for reading; AttachmentMissingError (logged) when the
    storage no longer has it, instead of a server error halfway through the download."""
    name = attachment.file.name
    try:
        if name and attachment.file.storage.exists(name):
            return attachment.file.open("rb")
    except OSError:
        pass
    logger.error("Attachment %s: file %r missing from storage", attachment.pk, name)
    raise AttachmentMissingError(
        f"Tệp «{attachment.original_name}» không còn trong kho lưu trữ. Đề nghị đơn vị tải lên lại; "
        "quản trị hệ thống đã được ghi nhận lỗi.",
        message_en=f"The file {attachment.original_name!r} is missing from storage; ask the unit to upload it again.",
    )


@dataclass(frozen=True)
class WorkingCalendar:
    """The days off and the make-up working days of the holiday table, for send-by arithmetic."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]


def working_calendar() -> WorkingCalendar:
    return WorkingCalendar(
        frozenset(Holiday.objects.values_list("day", flat=True)),
        frozenset(MakeUpWorkday.objects.values_list("day", flat=True)),
    )


def plan_holiday_years(plan: Plan) -> list[int]:
    """The years whose days off move the plan's dates: its own year and those of its periods'
    cut-offs and send-by dates (a period's first day, 15/12 of the year before, counts no days)."""
    span = plan.periods.aggregate(first=Min("ends_on"), last=Max("due_on"))
    first = span["first"].year if span["first"] else plan.year
    last = span["last"].year if span["last"] else plan.year
    return sorted({plan.year, *range(first, last + 1)})


def holiday_years_unconfirmed(years: list[int]) -> list[int]:
    """Those of `years` whose days off were not checked against the Government's announcement."""
    confirmed = set(
        HolidayYear.objects.filter(year__in=years, confirmed_at__isnull=False).values_list("year", flat=True)
    )
    return [year for year in years if year not in confirmed]


def plan_holiday_warning(plan: Plan) -> list[int]:
    """The years of the plan's dates without a confirmed announcement: the plan page and the
    period calendar warn about them (two queries)."""
    return holiday_years_unconfirmed(plan_holiday_years(plan))


@dataclass(frozen=True)
class HolidayYearRow:
    year: int
    entry: HolidayYear | None
    days_off: int
    plans: int


def holiday_year_list(today: dt.date | None = None) -> list[HolidayYearRow]:
    """The years of the holiday table, those plans are made for, and this year and the next (three queries)."""
    today = today or timezone.localdate()
    entries = {entry.year: entry for entry in HolidayYear.objects.select_related("confirmed_by")}
    plans: dict[int, int] = {}
    for year in Plan.objects.values_list("year", flat=True):
        plans[year] = plans.get(year, 0) + 1
    days: dict[int, int] = {}
    for day in Holiday.objects.values_list("day", flat=True):
        days[day.year] = days.get(day.year, 0) + 1
    years = set(entries) | set(plans) | set(days) | {today.year, today.year + 1}
    years = {y for y in years if vnholidays.FIRST_YEAR <= y <= vnholidays.LAST_YEAR}
    return [
        HolidayYearRow(year, entries.get(year), days.get(year, 0), plans.get(year, 0))
        for year in sorted(years, reverse=True)
    ]


@dataclass(frozen=True)
class HolidayDayRow:
    """One day of a year's page: what the law's baseline gives, and what the table holds."""

    day: dt.date
    computed: str
    holiday: Holiday | None
    workday: MakeUpWorkday | None

    @property
    def is_weekend(self) -> bool:
        return self.day.weekday() >= 5

    @property
    def differs(self) -> bool:
        """The table departs from the baseline here (a swap, a day the announcement added or moved)."""
        if self.workday is not None:
            return True
        if self.is_weekend:
            return False
        return bool(self.computed) != (self.holiday is not None)


@dataclass(frozen=True)
class HolidayYearDetail:
    year: int
    entry: HolidayYear | None
    rows: list[HolidayDayRow]


def holiday_year_detail(year: int) -> HolidayYearDetail:
    """The year's computed days beside the stored ones, one row per date (three queries)."""
    computed = {d.day: d.name for d in vnholidays.statutory_holidays(year)}
    stored = {h.day: h for h in Holiday.objects.filter(day__year=year)}
    workdays = {w.day: w for w in MakeUpWorkday.objects.filter(day__year=year)}
    rows = [
        HolidayDayRow(day, computed.get(day, ""), stored.get(day), workdays.get(day))
        for day in sorted(set(computed) | set(stored) | set(workdays))
    ]
    return HolidayYearDetail(year, HolidayYear.objects.filter(year=year).first(), rows)
