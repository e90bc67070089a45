"""The demo's living plan: this year's key tasks with months of real reporting behind them.

The seed plan is from 2023: on any later day everything in it is overdue and no figure exists,
which tells a visitor nothing. This plan is dated from the day the demo is built, so the
dashboards, the forecast, the notifications and the consolidated report always have something
true to show: accepted figures growing period by period, a task completed on time, one overdue
and below its target, a report returned with the reviewer's comment, a unit that has not yet
reported, obstacles open and answered.

Which year: the current one once three monthly periods of it have closed (from April), else the
previous one — in January a plan of the new year has no history yet, while the previous year's
plan is exactly what a department is closing out then.

Everything goes through the services a person's clicks go through (import, start, save, submit,
accept, return, answer); only the timestamps are moved afterwards to the days they would have
happened on, since the services stamp "now".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as Account
from django.db import transaction
from django.utils import timezone

from nhiemvu.ingest.services import plan_import_commit
from nhiemvu.lib.plan_json import SCHEMA, plan_json_check
from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.lib.vnperiods import windows_for_year
from nhiemvu.organisations.models import Membership, Organisation, OrganisationKind, Role
from nhiemvu.plans.models import Plan, PlanStatus, Task
from nhiemvu.reporting.models import Obstacle, ProgressReport, ReportingPeriod, ReviewEvent
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    obstacle_answer,
    periods_generate,
    report_accept,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)

LIVE_TITLE = "Thực hiện các nhiệm vụ trọng tâm năm {year} của Sở Nông nghiệp và PTNT"
RETURN_COMMENT = (
    "Đề nghị đơn vị bổ sung số vụ vi phạm đã xử lý trong kỳ và so sánh với cùng kỳ năm trước; "
    "số liệu lũy kế chưa khớp với báo cáo kỳ trước."
)


def live_year(today: dt.date) -> int:
    """This year from April (three monthly periods closed), else last year.

    >>> live_year(dt.date(2026, 12, 5)), live_year(dt.date(2027, 1, 3)), live_year(dt.date(2027, 4, 1))
    (2026, 2026, 2027)
    """
    return today.year if today >= dt.date(today.year, 4, 1) else today.year - 1


@dataclass(frozen=True)
class _Unit:
    name: str
    username: str
    full_name: str


DEMO_PASSWORD = "demo-nhiemvu-2023"  # every demo user's, printed by `nhiemvu demo`

UNITS = {
    "kiem_lam": _Unit("Chi cục Kiểm lâm", "donvi", ""),
    "ptnt": _Unit("Chi cục Phát triển nông thôn", "donvi.ptnt", "Hoàng Thị Mai"),
    "bvtv": _Unit("Chi cục Trồng trọt và Bảo vệ thực vật", "donvi.bvtv", "Lương Văn Tâm"),
}


def _plan_json(year: int, deadlines: dict[str, dt.date]) -> dict[str, Any]:
    def leader(name: str) -> dict[str, str]:
        return {"name": name, "title": "Phó Giám đốc Sở"}

    def target(name: str, unit: str, value: float, comparator: str = "=", change: str | None = None) -> dict:
        return {
            "name": name,
            "unit": unit,
            "comparator": comparator,
            "value": value,
            "max": None,
            "change": change,
        }

    def task(
        code: str, title: str, who: str, unit: str, deadline: dt.date | None, targets: list, milestones=()
    ):
        return {
            "code": code,
            "parent": None,
            "title": title,
            "leader": leader(who),
            "lead_unit": UNITS[unit].name,
            "support_units": ["Phòng Kế hoạch – Tài chính"],
            "deadline": deadline.isoformat() if deadline else None,
            "recurrence": None,
            "targets": targets,
            "milestones": list(milestones),
        }

    end = dt.date(year, 12, 31)
    # Written in the spec's shape and checked against it (nhiemvu.lib.plan_json).
    return plan_json_check({
        "schema": SCHEMA,
        "document": {
            "kind": "KH",
            "number": "12/KH-SNN",
            "symbol": "KH-SNN",
            "issuer": "Sở Nông nghiệp và PTNT",
            "place": "Lạng Sơn",
            "issued_on": dt.date(year, 1, 9).isoformat(),
            "year": year,
            "title": LIVE_TITLE.format(year=year),
            "signer": {"name": "Lý Việt Hưng", "title": "GIÁM ĐỐC"},
        },
        "references": [],
        "tasks": [
            task(
                "1",
                f"Trồng rừng tập trung năm {year}, chăm sóc rừng trồng các năm trước",
                "Nguyễn Phúc Đạt",
                "kiem_lam",
                end,
                [target("diện tích trồng rừng tập trung", "ha", 9000)],
                [{"due": dt.date(year, 6, 30).isoformat(), "text": "hoàn thành trồng rừng vụ xuân",
                  "value": 6750, "unit": "ha"}],
            ),
            task(
                "2",
                "Nâng tỷ lệ che phủ rừng toàn tỉnh",
                "Vũ Văn Thịnh",
                "kiem_lam",
                end,
                [target("tỷ lệ che phủ rừng", "%", 64.2, ">=")],
            ),
            task(
                "3",
                "Hỗ trợ phát triển mới chuỗi liên kết sản xuất, tiêu thụ nông, lâm sản",
                "Nguyễn Phúc Đạt",
                "ptnt",
                deadlines["done"],
                [target("chuỗi liên kết mới", "chuỗi", 5)],
            ),
            task(
                "4",
                "Mở rộng vùng sản xuất hàng hóa tập trung (hồi, quế, cây ăn quả)",
                "Đinh Thị Thu",
                "bvtv",
                deadlines["overdue"],
                [target("diện tích vùng sản xuất hàng hóa mở rộng", "ha", 1000, ">")],
            ),
            task(
                "5",
                "Tăng cường kiểm tra, xử lý vi phạm pháp luật về lâm nghiệp",
                "Nguyễn Phúc Đạt",
                "kiem_lam",
                end,
                [target("số vụ vi phạm so với năm trước", "%", 10, "=", "decrease")],
            ),
            task(
                "6",
                "Xây dựng nông thôn mới: thêm xã đạt chuẩn nông thôn mới",
                "Nguyễn Phúc Đạt",
                "ptnt",
                end,
                [target("xã đạt chuẩn nông thôn mới", "xã", 8)],
            ),
        ],
        "targets": [],
        "reporting": {"compiler": "Phòng Kế hoạch – Tài chính", "frequencies": ["monthly", "quarterly"]},
        "recipients": ["UBND tỉnh", "Sở Nội vụ", "Giám đốc, các Phó Giám đốc Sở", "Lưu: VT, KHTC"],
        "findings": [],
    })  # fmt: skip


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


class _History:
    """Writes one report through the services, then moves its timestamps to the day it happened."""

    def __init__(self, staff: dict[str, Account], reviewer: Account) -> None:
        self.staff = staff
        self.reviewer = reviewer

    def report(
        self,
        task: Task,
        period: ReportingPeriod,
        unit: str,
        figures: list[Decimal | None],
        percent: Decimal,
        narrative: str,
        *,
        sent_on: dt.date,
        review: str | None = "accept",
        obstacles: list[ObstacleInput] | None = None,
        completed_on: dt.date | None = None,
        submit: bool = True,
    ) -> ProgressReport:
        user = self.staff[unit]
        report = report_start(task=task, period=period, user=user)
        values: dict[int, tuple[Decimal | None, Decimal | None]] = {
            t.pk: (v, None) for t, v in zip(task.targets.all(), figures, strict=True)
        }
        report = report_save_draft(
            report=report,
            user=user,
            revision=report.revision,
            data=ReportInput(
                percent_done=percent,
                completed_on=completed_on,
                narrative=narrative,
                values=values,
                obstacles=obstacles or [],
            ),
        )
        if submit:
            report = report_submit(report=report, user=user)
            if review == "accept":
                report = report_accept(report=report, user=self.reviewer)
            elif review == "return":
                report = report_return(report=report, user=self.reviewer, comment=RETURN_COMMENT)
        self._backdate(report, sent_on)
        return report

    @staticmethod
    def _backdate(report: ProgressReport, sent_on: dt.date) -> None:
        sent, reviewed = _at(sent_on, 9), _at(sent_on + dt.timedelta(days=1), 15)
        ProgressReport.objects.filter(pk=report.pk).update(
            created_at=_at(sent_on, 8),
            submitted_at=sent if report.submitted_at else None,
            reviewed_at=reviewed if report.reviewed_at else None,
        )
        for event in ReviewEvent.objects.filter(report=report):
            at = {"draft": _at(sent_on, 8), "submitted": sent}.get(event.to_status, reviewed)
            ReviewEvent.objects.filter(pk=event.pk).update(at=at)


def live_plan_load(*, department: Organisation, planning_division: Organisation, today: dt.date) -> Plan:
    """Build this year's plan and its history once; a plan already built is left as it is."""
    year = live_year(today)
    existing = Plan.objects.filter(issuer=department, year=year, title=LIVE_TITLE.format(year=year)).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        plan = _build(department, planning_division, year, today)
    _settle_notices(plan)  # after the commit, which is when the review notices are made
    return plan


def _build(department: Organisation, planning_division: Organisation, year: int, today: dt.date) -> Plan:
    # Deadlines relative to the periods that have closed by today: one task done before its
    # deadline, one whose deadline passed a period ago.
    windows = [w for w in windows_for_year("monthly", year) if w.ends_on + dt.timedelta(days=4) < today]
    deadlines = {"done": windows[1].ends_on + dt.timedelta(days=10), "overdue": windows[-2].ends_on}
    User = get_user_model()
    units: dict[str, Organisation] = {}
    staff: dict[str, Account] = {}
    for key, spec in UNITS.items():
        unit, _ = Organisation.objects.get_or_create(
            parent=department, name=spec.name, defaults={"kind": OrganisationKind.SUB_DEPARTMENT}
        )
        units[key] = unit
        user, created = User.objects.get_or_create(username=spec.username)
        if created:
            first, _, last = spec.full_name.rpartition(" ")
            user.first_name, user.last_name = first, last
            user.email = f"{spec.username}@demo.nhiemvu.local"
            user.set_password(DEMO_PASSWORD)
            user.save()
        Membership.objects.get_or_create(user=user, organisation=unit, role=Role.UNIT_STAFF)
        staff[key] = user
    plan = plan_import_commit(
        plan_json=_plan_json(year, deadlines),
        issuer=department,
        user=None,
        source_name=f"ke-hoach-nhiem-vu-trong-tam-{year}.json",
        decisions={"organisations": {spec.name: units[key].pk for key, spec in UNITS.items()}},
    )
    plan.status = PlanStatus.ACTIVE
    plan.save(update_fields=["status", "updated_at"])
    periods = {p.key: p for p in periods_generate(plan=plan) if p.frequency == "monthly"}
    closed = [periods[w.key] for w in windows if periods[w.key].due_on < today]
    reviewer = User.objects.get(username="khtc")
    deputy = User.objects.get(username="phogiamdoc")
    history = _History(staff, reviewer)
    tasks = {t.code: t for t in plan.tasks.all()}
    n = len(closed)
    for i, period in enumerate(closed, start=1):
        is_last = i == n
        sent_on = period.due_on - dt.timedelta(days=1)
        share = Decimal(i) / 12
        # 1. Forest planting: a little behind a straight line, with an obstacle on seedlings.
        planted = (Decimal(9000) * share * Decimal("0.9")).quantize(Decimal("0.01"))
        seed_problem = [
            ObstacleInput(
                "Thiếu giống cây keo, thông chất lượng cao cho trồng rừng vụ thu",
                needs="Hỗ trợ kinh phí mua giống",
                addressed_to="Sở Tài chính",
            )
        ]
        report = history.report(
            tasks["1"],
            period,
            "kiem_lam",
            [planted],
            (share * 90).quantize(Decimal("0.1")),
            f"Lũy kế trồng rừng tập trung {format_vn(planted)} ha; đang chăm sóc rừng trồng các năm trước.",
            sent_on=sent_on,
            obstacles=seed_problem if i >= n - 1 else None,
        )
        if i == n - 1:
            answered = report.obstacles.get()
            obstacle_answer(
                obstacle=answered,
                user=deputy,
                answer="Giao Phòng KH-TC phối hợp Sở Tài chính cân đối kinh phí giống trong tháng.",
                resolved=False,
            )
            Obstacle.objects.filter(pk=answered.pk).update(
                answered_at=_at(sent_on + dt.timedelta(days=3), 10)
            )
        # 2. Forest cover: creeping up towards 64,2 %.
        history.report(
            tasks["2"],
            period,
            "kiem_lam",
            [Decimal("63.6") + Decimal("0.05") * i],
            (share * 100).quantize(Decimal("0.1")),
            "Tỷ lệ che phủ rừng ước đạt theo kết quả theo dõi diễn biến rừng.",
            sent_on=sent_on,
        )
        # 3. Value chains: finished on time in the second period.
        if i <= 2:
            done = i == 2
            history.report(
                tasks["3"],
                period,
                "ptnt",
                [Decimal(5 if done else 3)],
                Decimal(100 if done else 60),
                "Đã hỗ trợ hình thành đủ 05 chuỗi liên kết." if done else "Đã hình thành 03 chuỗi liên kết.",
                sent_on=sent_on,
                completed_on=period.ends_on if done else None,
            )
        # 4. Commodity areas: past its deadline and short of «trên 1.000 ha», with an open obstacle.
        history.report(
            tasks["4"],
            period,
            "bvtv",
            [Decimal(80) * i],
            Decimal(min(8 * i, 95)),
            "Đang rà soát quỹ đất, vận động người dân tham gia vùng sản xuất hàng hóa.",
            sent_on=sent_on,
            obstacles=[
                ObstacleInput(
                    "Người dân chưa đồng thuận dồn điền, đổi thửa ở một số xã",
                    needs="Chỉ đạo UBND các xã tuyên truyền, vận động",
                    addressed_to="UBND tỉnh",
                )
            ]
            if is_last
            else None,
        )
        # 5. Forest-law violations: the last report was returned with a comment.
        history.report(
            tasks["5"],
            period,
            "kiem_lam",
            [Decimal("1.5") * i],
            (share * 100).quantize(Decimal("0.1")),
            f"Số vụ vi phạm giảm {format_vn(Decimal('1.5') * i)}% so với cùng kỳ.",
            sent_on=sent_on,
            review="return" if is_last else "accept",
        )
        # 6. New-rural communes: the unit has not yet reported the last period.
        if not is_last:
            history.report(
                tasks["6"],
                period,
                "ptnt",
                [Decimal(i // 2)],
                (share * 100).quantize(Decimal("0.1")),
                "Đang hoàn thiện hồ sơ đề nghị công nhận xã đạt chuẩn.",
                sent_on=sent_on,
            )
    # The period being reported now: a draft started, nothing sent yet.
    current = next((p for p in periods.values() if p.due_on >= today), None)
    if current is not None:
        history.report(
            tasks["1"],
            current,
            "kiem_lam",
            [None],
            Decimal(0),
            "",
            sent_on=today,
            submit=False,
        )
    return plan


def _settle_notices(plan: Plan) -> None:
    """The history's notices carry the day of their review; acceptances are old news, already read.

    The return and the answer of the last period stay unread: that is what the unit would find.
    """
    from nhiemvu.reminders.models import Notification, NotificationKind

    answers = dict(Obstacle.objects.filter(report__task__plan=plan).values_list("pk", "answered_at"))
    for notice in Notification.objects.filter(dedup_key__startswith="obstacle_answered:"):
        obstacle_id = int(notice.dedup_key.split(":")[1].partition("=")[2])
        if answers.get(obstacle_id):
            Notification.objects.filter(pk=notice.pk).update(created_at=answers[obstacle_id])
    events = dict(ReviewEvent.objects.filter(report__task__plan=plan).values_list("pk", "at"))
    for notice in Notification.objects.filter(dedup_key__startswith="report_"):
        event_id = int(notice.dedup_key.rpartition("=")[2])
        if event_id in events:
            read = events[event_id] if notice.kind == NotificationKind.REPORT_ACCEPTED else None
            Notification.objects.filter(pk=notice.pk).update(created_at=events[event_id], read_at=read)
