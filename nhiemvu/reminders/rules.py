"""Who must hear what today: each rule reads the reporting state and returns candidate notifications.

Rules only read. They return every notification that *should exist* as of `today`; the
service inserts the ones that don't yet, keyed by `dedup_key`, so a rule may be evaluated
any number of times a day. A key names the event and its date where the date can move (a
milestone re-dated gets a new reminder), never the day of the run.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from nhiemvu.lib.vnperiods import is_working_day, working_days_between
from nhiemvu.organisations.models import Membership, OrganisationKind, Role
from nhiemvu.organisations.selectors import organisation_parent_map
from nhiemvu.plans.models import Milestone, Plan, PlanStatus, Task
from nhiemvu.reporting.models import (
    SENT_STATUSES,
    Obstacle,
    ObstacleStatus,
    ProgressReport,
    ReportingPeriod,
    ReportStatus,
    ReviewEvent,
)
from nhiemvu.reporting.selectors import WorkingCalendar, reporting_frequency, working_calendar
from nhiemvu.roadmaps.selectors import open_steps_due_between

from .models import NotificationKind, ReminderPolicy

# An overdue reminder goes out within a week of the date passing: a worker that was down for
# a few days catches up, but switching reminders on mid-year doesn't flood every unit with
# every period it ever missed.
OVERDUE_GRACE_DAYS = 7


@dataclass(frozen=True)
class Candidate:
    """A notification that should exist for one recipient."""

    recipient_id: int
    kind: str
    dedup_key: str
    subject: str
    body: str
    url: str


def policy_for(plan: Plan) -> ReminderPolicy:
    """The plan's reminder policy, or the defaults (3 / 7 / 5) if none was saved."""
    try:
        return plan.reminder_policy
    except ReminderPolicy.DoesNotExist:
        return ReminderPolicy(plan=plan)


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _staff_by_unit(
    org_ids: Iterable[int | None], today: dt.date, role: str = Role.UNIT_STAFF
) -> dict[int | None, list[int]]:
    """Active users holding `role` in each organisation, as of today."""
    rows = Membership.objects.filter(
        organisation_id__in=set(org_ids), role=role, user__is_active=True
    ).filter(
        Q(starts_on__isnull=True) | Q(starts_on__lte=today), Q(ends_on__isnull=True) | Q(ends_on__gte=today)
    )
    result: dict[int | None, list[int]] = defaultdict(list)
    for org_id, user_id in rows.order_by("user_id").values_list("organisation_id", "user_id").distinct():
        result[org_id].append(user_id)
    return result


def _task_line(task: Task) -> str:
    return _("Nhiệm vụ %(code)s. %(title)s") % {"code": task.code, "title": task.title}


def _plan_line(plan: Plan) -> str:
    return _("Kế hoạch: %(plan)s") % {"plan": plan.title}


def report_due(plan: Plan, policy: ReminderPolicy, today: dt.date) -> list[Candidate]:
    """Lead units that have not sent their report: N days before, on the day, and once overdue.

    Only the plan's finest frequency is reported on (see `reporting_frequency`); a locked
    period takes no more reports, so nobody is chased for it.
    """
    window_start = today - dt.timedelta(days=OVERDUE_GRACE_DAYS)
    window_end = today + dt.timedelta(days=policy.report_days_before)
    periods = list(
        ReportingPeriod.objects.filter(
            plan=plan,
            frequency=reporting_frequency(plan),
            locked_at__isnull=True,
            due_on__gte=window_start,
            due_on__lte=window_end,
        ).order_by("due_on")
    )
    if not periods:
        return []
    tasks = list(plan.tasks.filter(lead_unit__isnull=False).select_related("lead_unit").order_by("order"))
    done = set(
        ProgressReport.objects.filter(period__in=periods, is_lead=True, status__in=SENT_STATUSES).values_list(
            "task_id", "period_id"
        )
    )
    staff = _staff_by_unit({t.lead_unit_id for t in tasks}, today)
    result: list[Candidate] = []
    for period in periods:
        days_left = (period.due_on - today).days
        words = {"period": period.label, "due": _d(period.due_on), "days": abs(days_left)}
        if days_left > 0:
            kind, stage = NotificationKind.REPORT_DUE_SOON, f"{policy.report_days_before}d"
            subject = ngettext(
                "Còn %(days)d ngày đến hạn gửi báo cáo %(period)s (%(due)s)",
                "Còn %(days)d ngày đến hạn gửi báo cáo %(period)s (%(due)s)",
                days_left,
            )
            lead = ngettext(
                "Hạn gửi báo cáo kỳ %(period)s là ngày %(due)s, còn %(days)d ngày.",
                "Hạn gửi báo cáo kỳ %(period)s là ngày %(due)s, còn %(days)d ngày.",
                days_left,
            )
        elif days_left == 0:
            kind, stage = NotificationKind.REPORT_DUE_TODAY, "today"
            subject = _("Hôm nay (%(due)s) là hạn gửi báo cáo %(period)s")
            lead = _("Hôm nay, ngày %(due)s, là hạn gửi báo cáo kỳ %(period)s.")
        else:
            kind, stage = NotificationKind.REPORT_OVERDUE, "overdue"
            subject = _("Quá hạn gửi báo cáo %(period)s (hạn %(due)s)")
            lead = ngettext(
                "Đã quá hạn gửi báo cáo kỳ %(period)s (hạn %(due)s) %(days)d ngày.",
                "Đã quá hạn gửi báo cáo kỳ %(period)s (hạn %(due)s) %(days)d ngày.",
                -days_left,
            )
        subject, lead = subject % words, lead % words
        for task in tasks:
            if (task.pk, period.pk) in done:
                continue
            body = "\n".join(
                [
                    lead,
                    _task_line(task),
                    _plan_line(plan),
                    _("Đơn vị chủ trì %(unit)s chưa gửi báo cáo kỳ này.") % {"unit": task.lead_unit},
                ]
            )
            url = reverse("reporting:report-edit", args=[task.pk, period.pk])
            key = f"report_due:{stage}:period={period.pk}:task={task.pk}"
            result.extend(
                Candidate(user_id, kind, key, subject, body, url)
                for user_id in staff.get(task.lead_unit_id, [])
            )
    return result


def report_returned(plan: Plan, today: dt.date) -> list[Candidate]:
    """Reports Planning-Finance returned, with its comment, to the staff of the reporting unit.

    The review itself already told them (`report_reviewed`, same key): this round only catches
    a return whose notice was lost (e.g. the process died between the commit and the notice).
    """
    reports = list(
        ProgressReport.objects.filter(period__plan=plan, status=ReportStatus.RETURNED).select_related(
            "task", "period", "organisation"
        )
    )
    if not reports:
        return []
    events: dict[int, ReviewEvent] = {}
    for event in ReviewEvent.objects.filter(report__in=reports, to_status=ReportStatus.RETURNED).order_by(
        "at", "id"
    ):
        events[event.report_id] = event  # the latest return wins
    staff = _staff_by_unit({r.organisation_id for r in reports}, today)
    result: list[Candidate] = []
    for report in reports:
        returned = events.get(report.pk)
        if returned is not None:
            result += _review_notice(report, returned, staff.get(report.organisation_id, []))
    return result


def report_reviewed(event_id: int, today: dt.date) -> list[Candidate]:
    """A report was returned or accepted: to the reporting unit's staff, once per review event.

    Not part of the daily round: the review services ask for it once the review has committed.
    """
    event = (
        ReviewEvent.objects.select_related("report__task", "report__period", "report__organisation")
        .filter(pk=event_id, to_status__in=[ReportStatus.RETURNED, ReportStatus.ACCEPTED])
        .first()
    )
    if event is None:
        return []
    report = event.report
    staff = _staff_by_unit([report.organisation_id], today)
    return _review_notice(report, event, staff.get(report.organisation_id, []))


def _review_notice(report: ProgressReport, event: ReviewEvent, recipients: list[int]) -> list[Candidate]:
    """The notice of one review event, in Vietnamese whatever language the reviewing request used."""
    words = {"period": report.period.label, "code": report.task.code, "day": _d(timezone.localdate(event.at))}
    url = reverse("reporting:report-edit", args=[report.task_id, report.period_id])
    with translation.override("vi"):
        if event.to_status == ReportStatus.RETURNED:
            kind, key = NotificationKind.REPORT_RETURNED, f"report_returned:event={event.pk}"
            subject = _("Báo cáo %(period)s bị trả lại: nhiệm vụ %(code)s") % words
            lines = [
                _("Phòng Kế hoạch – Tài chính đã trả lại báo cáo kỳ %(period)s ngày %(day)s.") % words,
                _task_line(report.task),
                _("Ý kiến: %(comment)s") % {"comment": event.comment},
                _("Đề nghị %(unit)s bổ sung, chỉnh sửa và gửi lại.") % {"unit": report.organisation},
            ]
        else:
            kind, key = NotificationKind.REPORT_ACCEPTED, f"report_accepted:event={event.pk}"
            subject = _("Báo cáo %(period)s đã được chấp nhận: nhiệm vụ %(code)s") % words
            lines = [
                _("Phòng Kế hoạch – Tài chính đã chấp nhận báo cáo kỳ %(period)s ngày %(day)s.") % words,
                _task_line(report.task),
            ]
            if event.comment:
                lines.append(_("Ý kiến: %(comment)s") % {"comment": event.comment})
    body = "\n".join(lines)
    return [Candidate(user_id, kind, key, subject, body, url) for user_id in recipients]


def deadlines(plan: Plan, policy: ReminderPolicy, today: dt.date) -> list[Candidate]:
    """Milestones and task deadlines N days ahead (once) and once overdue, to the lead unit's staff.

    A milestone a submitted report marked as met, or a task a report says is complete, is not chased.
    """
    ahead = today + dt.timedelta(days=policy.deadline_days_before)
    since = today - dt.timedelta(days=OVERDUE_GRACE_DAYS)
    tasks = {
        t.pk: t
        for t in plan.tasks.filter(lead_unit__isnull=False).select_related("lead_unit").order_by("order")
    }
    if not tasks:
        return []
    milestones = list(
        Milestone.objects.filter(task_id__in=tasks, due__gte=since, due__lte=ahead).order_by("due", "order")
    )
    met = set(
        Milestone.objects.filter(
            pk__in=[m.pk for m in milestones], met_in__is_lead=True, met_in__status__in=SENT_STATUSES
        ).values_list("pk", flat=True)
    )
    completed = set(
        ProgressReport.objects.filter(
            task_id__in=tasks, is_lead=True, status__in=SENT_STATUSES, completed_on__isnull=False
        ).values_list("task_id", flat=True)
    )
    staff = _staff_by_unit({t.lead_unit_id for t in tasks.values()}, today)
    result: list[Candidate] = []

    def add(task: Task, kind: str, key: str, subject: str, body: str) -> None:
        url = reverse("reporting:task-detail", args=[task.pk])
        result.extend(Candidate(u, kind, key, subject, body, url) for u in staff.get(task.lead_unit_id, []))

    for milestone in milestones:
        task = tasks[milestone.task_id]
        if milestone.pk in met or task.pk in completed or milestone.due is None:
            continue
        when = f"due={milestone.due.isoformat()}"
        words = {"due": _d(milestone.due), "code": task.code, "text": milestone.text}
        if milestone.due >= today:
            left = (milestone.due - today).days
            add(
                task,
                NotificationKind.MILESTONE_DUE_SOON,
                f"milestone_due:{policy.deadline_days_before}d:milestone={milestone.pk}:{when}",
                ngettext(
                    "Còn %(days)d ngày đến mốc tiến độ %(due)s: nhiệm vụ %(code)s",
                    "Còn %(days)d ngày đến mốc tiến độ %(due)s: nhiệm vụ %(code)s",
                    left,
                )
                % {**words, "days": left},
                "\n".join([_("Mốc %(due)s: %(text)s") % words, _task_line(task), _plan_line(plan)]),
            )
        else:
            add(
                task,
                NotificationKind.MILESTONE_OVERDUE,
                f"milestone_overdue:milestone={milestone.pk}:{when}",
                _("Quá mốc tiến độ %(due)s: nhiệm vụ %(code)s") % words,
                "\n".join(
                    [
                        _("Mốc %(due)s chưa được báo cáo là đã đạt: %(text)s") % words,
                        _task_line(task),
                        _plan_line(plan),
                    ]
                ),
            )
    for task in tasks.values():
        if task.deadline is None or task.pk in completed or not (since <= task.deadline <= ahead):
            continue
        when = f"due={task.deadline.isoformat()}"
        words = {"due": _d(task.deadline), "code": task.code}
        if task.deadline >= today:
            left = (task.deadline - today).days
            add(
                task,
                NotificationKind.DEADLINE_DUE_SOON,
                f"deadline_due:{policy.deadline_days_before}d:task={task.pk}:{when}",
                ngettext(
                    "Còn %(days)d ngày đến thời hạn hoàn thành nhiệm vụ %(code)s (%(due)s)",
                    "Còn %(days)d ngày đến thời hạn hoàn thành nhiệm vụ %(code)s (%(due)s)",
                    left,
                )
                % {**words, "days": left},
                "\n".join([_task_line(task), _("Thời hạn hoàn thành: %(due)s") % words, _plan_line(plan)]),
            )
        else:
            add(
                task,
                NotificationKind.DEADLINE_OVERDUE,
                f"deadline_overdue:task={task.pk}:{when}",
                _("Quá thời hạn hoàn thành nhiệm vụ %(code)s (%(due)s)") % words,
                "\n".join(
                    [
                        _task_line(task),
                        _("Thời hạn hoàn thành %(due)s đã qua mà chưa có báo cáo hoàn thành.") % words,
                        _plan_line(plan),
                    ]
                ),
            )
    return result


def roadmap_steps(plan: Plan, policy: ReminderPolicy, today: dt.date) -> list[Candidate]:
    """Roadmap steps not done, N days ahead (once, N as for deadlines) and once overdue.

    To the official responsible for the step when they have an active account, else to the lead
    unit's staff: the roadmap names who does each step, so the unit is not chased for a person's
    work. Re-dating a step gives it a new key, as a re-dated milestone does.
    """
    ahead = today + dt.timedelta(days=policy.deadline_days_before)
    since = today - dt.timedelta(days=OVERDUE_GRACE_DAYS)
    steps = open_steps_due_between(plan, since, ahead)
    if not steps:
        return []
    staff = _staff_by_unit({s.task.lead_unit_id for s in steps}, today)
    result: list[Candidate] = []
    for step in steps:
        task = step.task
        person = step.responsible.user if step.responsible is not None else None
        if person is not None and person.is_active:
            recipients = [person.pk]
        else:
            recipients = staff.get(task.lead_unit_id, [])
        when = f"due={step.due.isoformat()}"
        words = {"due": _d(step.due), "code": task.code, "text": step.title}
        lines = [_("Bước %(due)s: %(text)s") % words, _task_line(task), _plan_line(plan)]
        if step.responsible is not None:
            lines.insert(1, _("Cán bộ phụ trách: %(name)s") % {"name": step.responsible.full_name})
        if step.due >= today:
            left = (step.due - today).days
            kind = NotificationKind.ROADMAP_STEP_DUE_SOON
            key = f"roadmap_step_due:{policy.deadline_days_before}d:step={step.pk}:{when}"
            subject = ngettext(
                "Còn %(days)d ngày đến hạn bước lộ trình %(due)s: nhiệm vụ %(code)s",
                "Còn %(days)d ngày đến hạn bước lộ trình %(due)s: nhiệm vụ %(code)s",
                left,
            ) % {**words, "days": left}
        else:
            kind = NotificationKind.ROADMAP_STEP_OVERDUE
            key = f"roadmap_step_overdue:step={step.pk}:{when}"
            subject = _("Quá hạn bước lộ trình %(due)s: nhiệm vụ %(code)s") % words
            lines[0] = _("Bước %(due)s chưa hoàn thành: %(text)s") % words
        url = reverse("reporting:task-detail", args=[task.pk]) + "#roadmap"
        body = "\n".join(lines)
        result.extend(Candidate(user_id, kind, key, subject, body, url) for user_id in recipients)
    return result


def obstacles_unanswered(
    plan: Plan, policy: ReminderPolicy, today: dt.date, calendar: WorkingCalendar
) -> list[Candidate]:
    """Obstacles still open more than N working days after the report was sent: to the task's leader.

    The clock starts when the report was submitted: an obstacle in a draft awaits nobody, and
    obstacles are rewritten on every draft save, so their own creation time says little.
    """
    obstacles = (
        Obstacle.objects.filter(
            report__period__plan=plan,
            report__status__in=SENT_STATUSES,
            report__submitted_at__isnull=False,
            status=ObstacleStatus.OPEN,
            report__task__leader__user__isnull=False,
            report__task__leader__user__is_active=True,
        )
        .select_related("report__task__leader", "report__period", "report__organisation")
        .order_by("id")
    )
    result = []
    for obstacle in obstacles:
        report = obstacle.report
        sent_on = timezone.localdate(report.submitted_at)
        waited = working_days_between(sent_on, today, calendar.holidays, calendar.workdays)
        if waited <= policy.obstacle_working_days:
            continue
        task = report.task
        subject = ngettext(
            "Vướng mắc chờ ý kiến chỉ đạo quá %(days)d ngày làm việc: nhiệm vụ %(code)s",
            "Vướng mắc chờ ý kiến chỉ đạo quá %(days)d ngày làm việc: nhiệm vụ %(code)s",
            policy.obstacle_working_days,
        ) % {"days": policy.obstacle_working_days, "code": task.code}
        lines = [
            ngettext(
                "%(unit)s nêu vướng mắc trong báo cáo kỳ %(period)s gửi ngày %(sent)s, "
                "đã %(waited)d ngày làm việc chưa có ý kiến chỉ đạo.",
                "%(unit)s nêu vướng mắc trong báo cáo kỳ %(period)s gửi ngày %(sent)s, "
                "đã %(waited)d ngày làm việc chưa có ý kiến chỉ đạo.",
                waited,
            )
            % {
                "unit": report.organisation,
                "period": report.period.label,
                "sent": _d(sent_on),
                "waited": waited,
            },
            _task_line(task),
            _("Vướng mắc: %(text)s") % {"text": obstacle.description},
        ]
        if obstacle.needs:
            lines.append(_("Đề nghị hỗ trợ: %(needs)s") % {"needs": obstacle.needs})
        if obstacle.addressed_to:
            lines.append(_("Đề nghị: %(to)s") % {"to": obstacle.addressed_to})
        body = "\n".join(lines)
        url = reverse("reporting:task-detail", args=[task.pk])
        # The query keeps only obstacles whose task's leader has an active account.
        assert task.leader is not None and task.leader.user_id is not None
        result.append(
            Candidate(
                task.leader.user_id,
                NotificationKind.OBSTACLE_ESCALATION,
                f"obstacle_escalation:obstacle={obstacle.pk}",
                subject,
                body,
                url,
            )
        )
    return result


def obstacle_answered(obstacle_id: int, at: dt.datetime, today: dt.date) -> list[Candidate]:
    """The leader answered an obstacle: to the reporting unit's staff, once per answer.

    Not part of the daily round: the answering service asks for it once the answer has committed.
    Written in Vietnamese whatever language the answering request used, as the round's are.
    """
    obstacle = (
        Obstacle.objects.select_related("report__task", "report__period", "report__organisation")
        .filter(pk=obstacle_id)
        .first()
    )
    if obstacle is None or not obstacle.answer:
        return []
    report = obstacle.report
    staff = _staff_by_unit([report.organisation_id], today)
    with translation.override("vi"):
        subject = _("Đã có ý kiến chỉ đạo về vướng mắc: nhiệm vụ %(code)s") % {"code": report.task.code}
        body = "\n".join(
            [
                _task_line(report.task),
                _("Vướng mắc (báo cáo kỳ %(period)s): %(text)s")
                % {"period": report.period.label, "text": obstacle.description},
                _("Ý kiến chỉ đạo: %(answer)s") % {"answer": obstacle.answer},
                _("Xử lý: %(status)s") % {"status": obstacle.get_status_display()},
            ]
        )
    url = reverse("reporting:task-detail", args=[report.task_id])
    # What was answered and when: a new answer is news, the same call made twice is not.
    said = hashlib.sha256(f"{at.isoformat()}|{obstacle.status}|{obstacle.answer}".encode()).hexdigest()[:16]
    key = f"obstacle_answered:obstacle={obstacle.pk}:answer={said}"
    return [
        Candidate(user_id, NotificationKind.OBSTACLE_ANSWERED, key, subject, body, url)
        for user_id in staff.get(report.organisation_id, [])
    ]


def units_late_twice(plan: Plan, today: dt.date) -> list[Candidate]:
    """Lead units that missed the send-by date in each of the last two periods: to the director(s).

    On time means a first submission on or before the send-by date; a report returned and sent
    again later was still sent on time.
    """
    periods = list(
        ReportingPeriod.objects.filter(
            plan=plan, frequency=reporting_frequency(plan), due_on__lt=today
        ).order_by("-due_on")[:2]
    )
    if len(periods) < 2:
        return []
    latest, previous = periods
    tasks = list(plan.tasks.filter(lead_unit__isnull=False).select_related("lead_unit"))
    if not tasks:
        return []
    first_sent: dict[tuple[int, int], dt.date] = {}
    for task_id, period_id, at in (
        ReviewEvent.objects.filter(
            report__period__in=periods, report__is_lead=True, to_status=ReportStatus.SUBMITTED
        )
        .order_by("at")
        .values_list("report__task_id", "report__period_id", "at")
    ):
        first_sent.setdefault((task_id, period_id), timezone.localdate(at))

    def late(task: Task, period: ReportingPeriod) -> bool:
        sent = first_sent.get((task.pk, period.pk))
        return sent is None or sent > period.due_on

    units: dict[int | None, list[Task]] = defaultdict(list)
    for task in tasks:
        units[task.lead_unit_id].append(task)
    directors = _staff_by_unit([plan.issuer_id], today, role=Role.DIRECTOR).get(plan.issuer_id, [])
    result: list[Candidate] = []
    for unit_tasks in units.values():
        late_now = [t for t in unit_tasks if late(t, latest)]
        if not late_now or not any(late(t, previous) for t in unit_tasks):
            continue
        unit = unit_tasks[0].lead_unit
        assert unit is not None  # the tasks were chosen with a lead unit
        words = {
            "unit": unit,
            "previous": previous.label,
            "previous_due": _d(previous.due_on),
            "latest": latest.label,
            "latest_due": _d(latest.due_on),
        }
        subject = _("%(unit)s chậm báo cáo hai kỳ liên tiếp (%(previous)s, %(latest)s)") % words
        body = "\n".join(
            [
                _(
                    "%(unit)s không gửi báo cáo đúng hạn kỳ %(previous)s (hạn %(previous_due)s) "
                    "và kỳ %(latest)s (hạn %(latest_due)s)."
                )
                % words,
                _plan_line(plan),
                _("Nhiệm vụ chậm kỳ %(period)s: %(codes)s")
                % {"period": latest.label, "codes": ", ".join(t.code for t in late_now)},
            ]
        )
        url = reverse("reporting:submissions", args=[latest.pk])
        key = f"unit_late_twice:unit={unit.pk}:period={latest.pk}"
        result.extend(
            Candidate(user_id, NotificationKind.UNIT_LATE_TWICE, key, subject, body, url)
            for user_id in directors
        )
    return result


# An agency has this long after the province's decision to take its tasks into its own plan.
UNTAKEN_AFTER_DAYS = 30


def provincial_tasks_untaken(plan: Plan, today: dt.date) -> list[Candidate]:
    """Tasks of the province's decision that no agency task carries out a month after it was issued:
    to the agency's Planning-Finance (its list) and to the province's reviewers (every agency's).

    The key holds the codes still untaken, so a notice goes out again only when that list changes
    (a new task left out, or some taken up and others not): not every day.
    """
    if plan.issuer.kind != OrganisationKind.PROVINCE_COMMITTEE:
        return []
    issued = (
        plan.source_document.issued_on if plan.source_document and plan.source_document.issued_on else None
    )
    start = issued or plan.starts_on
    if today < start + dt.timedelta(days=UNTAKEN_AFTER_DAYS) or today > plan.ends_on:
        return []
    untaken = list(
        plan.tasks.filter(lead_unit__isnull=False, agency_links__isnull=True)
        .select_related("lead_unit")
        .order_by("order")
    )
    if not untaken:
        return []
    by_agency: dict[int, list[Task]] = defaultdict(list)
    for task in untaken:
        assert task.lead_unit_id is not None  # chosen with a lead unit
        by_agency[task.lead_unit_id].append(task)
    tree = organisation_parent_map()
    planners: dict[int, list[int]] = defaultdict(list)  # agency → its Planning-Finance staff
    for org_id, user_ids in _staff_by_unit(tree, today, role=Role.PLANNING_FINANCE).items():
        agency = org_id
        while agency is not None and agency not in by_agency:
            agency = tree.get(agency)
        if agency is not None:
            planners[agency] += user_ids
    document = str(plan.source_document) if plan.source_document else plan.title
    result: list[Candidate] = []
    for agency_id, tasks in by_agency.items():
        codes = ", ".join(t.code for t in tasks)
        words = {"n": len(tasks), "document": document, "codes": codes, "agency": tasks[0].lead_unit}
        subject = (
            ngettext(
                "%(n)d nhiệm vụ tỉnh giao chưa có nhiệm vụ triển khai trong kế hoạch của cơ quan",
                "%(n)d nhiệm vụ tỉnh giao chưa có nhiệm vụ triển khai trong kế hoạch của cơ quan",
                len(tasks),
            )
            % words
        )
        body = "\n".join(
            [
                _(
                    "%(agency)s được giao tại %(document)s các nhiệm vụ chưa được liên kết với nhiệm vụ nào "
                    "trong kế hoạch của cơ quan: %(codes)s."
                )
                % words,
                *(_task_line(t) for t in tasks[:10]),
                _("Đề nghị bổ sung vào kế hoạch và liên kết tại trang «Nhiệm vụ tỉnh giao» của kế hoạch."),
            ]
        )
        url = reverse("dashboards:province-agency", args=[plan.pk, agency_id])
        key = f"provincial_untaken:plan={plan.pk}:agency={agency_id}:{_digest(codes)}"
        result.extend(
            Candidate(user_id, NotificationKind.PROVINCIAL_TASK_UNTAKEN, key, subject, body, url)
            for user_id in sorted(set(planners.get(agency_id, [])))
        )
    reviewers = _staff_by_unit([plan.issuer_id], today, role=Role.PROVINCIAL_REVIEWER).get(plan.issuer_id, [])
    if reviewers:
        listing = "; ".join(
            f"{tasks[0].lead_unit}: {', '.join(t.code for t in tasks)}" for tasks in by_agency.values()
        )
        subject = ngettext(
            "%(n)d nhiệm vụ tỉnh giao chưa được cơ quan nào triển khai",
            "%(n)d nhiệm vụ tỉnh giao chưa được cơ quan nào triển khai",
            len(untaken),
        ) % {"n": len(untaken)}
        body = _(
            "Theo %(document)s, các nhiệm vụ sau chưa có nhiệm vụ triển khai của cơ quan được giao: %(list)s."
        ) % {
            "document": document,
            "list": listing,
        }
        key = f"provincial_untaken:plan={plan.pk}:{_digest(listing)}"
        url = reverse("dashboards:province") + f"?plan={plan.pk}"
        result.extend(
            Candidate(user_id, NotificationKind.PROVINCIAL_TASK_UNTAKEN, key, subject, body, url)
            for user_id in reviewers
        )
    return result


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def candidates_for(today: dt.date) -> list[Candidate]:
    """Every notification that should exist as of `today`, across active plans with reminders on.

    Date-driven reminders go out on working days only: an "overdue" read on Saturday is noise,
    and because each stage is a window, not a single day, Monday's round catches up on it.
    A returned report is news whatever the day.

    Subjects and bodies are stored as written, and recipients' language is not known: they are
    written in Vietnamese, the interface's first language, whatever language is active.
    """
    with translation.override("vi"):
        return _candidates_for(today)


def _candidates_for(today: dt.date) -> list[Candidate]:
    # Days off and make-up working Saturdays (a reminder goes out on Saturday 04/05/2024 too).
    calendar = working_calendar()
    working = is_working_day(today, calendar.holidays, calendar.workdays)
    result: list[Candidate] = []
    plans = (
        Plan.objects.filter(status=PlanStatus.ACTIVE)
        .select_related("reminder_policy", "issuer", "source_document")
        .order_by("pk")
    )
    for plan in plans:
        policy = policy_for(plan)
        if not policy.is_enabled:
            continue
        result += report_returned(plan, today)
        if working:
            result += report_due(plan, policy, today)
            result += deadlines(plan, policy, today)
            result += roadmap_steps(plan, policy, today)
            result += obstacles_unanswered(plan, policy, today, calendar)
            result += units_late_twice(plan, today)
            result += provincial_tasks_untaken(plan, today)
    return result
