"""Returned reports, obstacles left unanswered (to the leader) and units late twice (to the director)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from nhiemvu.reminders.models import Notification, NotificationKind, ReminderPolicy
from nhiemvu.reporting.models import ObstacleStatus
from nhiemvu.reporting.services import ObstacleInput, report_accept, report_return

from .conftest import World, on

pytestmark = pytest.mark.django_db

D = dt.date


def test_a_returned_report_tells_the_unit_with_the_reviewers_comment(world: World, remind) -> None:
    report = world.submit(world.forest_task, world.period("2023-06"), D(2023, 6, 13))
    with on(D(2023, 6, 14), 9):
        report_return(
            report=report, user=world.cast.planning_finance, comment="Bổ sung số liệu diện tích rừng trồng"
        )
    remind(D(2023, 6, 14), 10)
    returned = [m for m in mail.outbox if "trả lại" in m.subject]
    assert [(m.to, m.subject) for m in returned] == [
        (["kiemlam@example.vn"], "[nhiemvu] Báo cáo Tháng 06/2023 bị trả lại: nhiệm vụ 1")
    ]
    assert "Ý kiến: Bổ sung số liệu diện tích rừng trồng" in returned[0].body
    assert isinstance(returned[0], EmailMultiAlternatives)
    html = returned[0].alternatives[0][0]
    assert isinstance(html, str)
    assert "Bổ sung số liệu diện tích rừng trồng" in html
    # Returned again after a resubmission: a second return is a second notification.
    with on(D(2023, 6, 15), 9):
        from nhiemvu.reporting.services import report_submit

        report = report_submit(report=report, user=world.cast.unit_staff)
        report_return(report=report, user=world.cast.planning_finance, comment="Thiếu ảnh hiện trường")
    assert remind(D(2023, 6, 15), 10).created == 1
    assert remind(D(2023, 6, 15), 11).created == 0
    assert "Thiếu ảnh hiện trường" in mail.outbox[-1].body


def test_an_obstacle_unanswered_for_more_than_five_working_days_goes_to_the_tasks_leader(
    world: World, remind
) -> None:
    assert world.forest_task.leader == world.cast.deputy_official
    # Sent on Wednesday 07/06; five working days later is Wednesday 14/06.
    report = world.submit(
        world.forest_task,
        world.period("2023-06"),
        D(2023, 6, 7),
        obstacles=[
            ObstacleInput("Thiếu giống cây lâm nghiệp", needs="Bổ sung kinh phí", addressed_to="Sở Tài chính")
        ],
    )
    escalations = Notification.objects.filter(kind=NotificationKind.OBSTACLE_ESCALATION)
    remind(D(2023, 6, 14))
    assert not escalations.exists()
    remind(D(2023, 6, 15))
    (escalation,) = escalations
    assert escalation.recipient == world.cast.deputy
    assert escalation.subject == "Vướng mắc chờ ý kiến chỉ đạo quá 5 ngày làm việc: nhiệm vụ 1"
    assert "Thiếu giống cây lâm nghiệp" in escalation.body and "Bổ sung kinh phí" in escalation.body
    assert ("phogiamdoc@example.vn", "[nhiemvu] " + escalation.subject) in [
        (m.to[0], m.subject) for m in mail.outbox
    ]
    # Accepting the report doesn't answer the obstacle; answering it stops further escalations.
    with on(D(2023, 6, 16)):
        report_accept(report=report, user=world.cast.planning_finance)
    report.obstacles.update(status=ObstacleStatus.ANSWERED, answer="Sở đã trình UBND tỉnh")
    remind(D(2023, 6, 16))
    assert escalations.count() == 1


def test_the_obstacle_delay_is_set_per_plan(world: World, remind) -> None:
    ReminderPolicy.objects.create(plan=world.plan, obstacle_working_days=2)
    world.submit(
        world.forest_task, world.period("2023-06"), D(2023, 6, 7), obstacles=[ObstacleInput("Mưa lũ")]
    )
    remind(D(2023, 6, 9))
    assert not Notification.objects.filter(kind=NotificationKind.OBSTACLE_ESCALATION).exists()
    remind(D(2023, 6, 12))
    assert Notification.objects.filter(
        kind=NotificationKind.OBSTACLE_ESCALATION, recipient=world.cast.deputy
    ).exists()


def test_a_unit_late_two_periods_in_a_row_is_reported_to_the_director(world: World, remind) -> None:
    # The forest unit sent May on time and June late; the rural unit sent neither on time.
    world.submit(world.forest_task, world.period("2023-05"), D(2023, 5, 16))
    world.submit(world.forest_task, world.period("2023-06"), D(2023, 6, 19))
    world.submit(world.rural_task, world.period("2023-05"), D(2023, 5, 17))
    remind(D(2023, 6, 19))
    late = Notification.objects.filter(kind=NotificationKind.UNIT_LATE_TWICE)
    assert [(n.recipient.username, n.subject) for n in late] == [
        (
            "giamdoc",
            "Chi cục Phát triển nông thôn chậm báo cáo hai kỳ liên tiếp (Tháng 05/2023, Tháng 06/2023)",
        )
    ]
    assert f"/reporting/periods/{world.period('2023-06').pk}/submissions/" == late.get().url
    director_mail = [m for m in mail.outbox if m.to == ["giamdoc@example.vn"]]
    assert len(director_mail) == 1 and "Nhiệm vụ chậm kỳ Tháng 06/2023: 2" in director_mail[0].body
    remind(D(2023, 6, 20))
    assert late.count() == 1


def test_reminders_can_be_switched_off_for_a_plan(world: World, remind) -> None:
    ReminderPolicy.objects.create(plan=world.plan, is_enabled=False)
    assert remind(D(2023, 6, 19)).created == 0


def test_the_report_notice_comes_as_many_days_ahead_as_the_plan_says(world: World, remind) -> None:
    ReminderPolicy.objects.create(plan=world.plan, report_days_before=5)
    for task in (world.forest_task, world.rural_task):
        world.submit(task, world.period("2023-05"), D(2023, 5, 15))
    assert remind(D(2023, 6, 9)).created == 0
    assert remind(D(2023, 6, 12)).created == 2  # Monday, four days ahead: the 5-day window opened on Sunday
    assert mail.outbox[0].subject == "[nhiemvu] Còn 4 ngày đến hạn gửi báo cáo Tháng 06/2023 (16/06/2023)"
    assert Notification.objects.filter(dedup_key__startswith="report_due:5d:").count() == 2


def test_an_obstacle_answered_through_the_service_is_no_longer_escalated_even_after_a_resubmission(
    world: World, remind, django_capture_on_commit_callbacks
) -> None:
    from nhiemvu.reporting.services import ReportInput, obstacle_answer, report_save_draft, report_submit

    obstacle = ObstacleInput("Thiếu giống cây lâm nghiệp")
    report = world.submit(world.forest_task, world.period("2023-06"), D(2023, 6, 7), obstacles=[obstacle])
    with on(D(2023, 6, 8)), django_capture_on_commit_callbacks(execute=True):
        obstacle_answer(
            obstacle=report.obstacles.get(),
            user=world.cast.deputy,
            answer="Giao Chi cục điều chuyển giống từ vườn ươm",
            resolved=False,
        )
    answered = Notification.objects.get(kind=NotificationKind.OBSTACLE_ANSWERED)
    assert answered.recipient == world.cast.unit_staff
    assert answered.subject == "Đã có ý kiến chỉ đạo về vướng mắc: nhiệm vụ 1"
    assert "Giao Chi cục điều chuyển giống từ vườn ươm" in answered.body
    # Returned, edited with the same obstacle and sent again: still answered, still not escalated.
    with on(D(2023, 6, 9)):
        report_return(report=report, user=world.cast.planning_finance, comment="Bổ sung ảnh")
        report.refresh_from_db()
        data = ReportInput(
            percent_done=Decimal(45),
            values={t.pk: (Decimal(120), None) for t in world.forest_task.targets.all()},
            obstacles=[obstacle],
        )
        report = report_save_draft(
            report=report, user=world.cast.unit_staff, revision=report.revision, data=data
        )
        report_submit(report=report, user=world.cast.unit_staff)
    assert report.obstacles.get().status == ObstacleStatus.ANSWERED
    remind(D(2023, 6, 20))
    assert not Notification.objects.filter(kind=NotificationKind.OBSTACLE_ESCALATION).exists()
