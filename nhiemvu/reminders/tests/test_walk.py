"""A frozen-time walk through the June 2023 period: who hears what on which day, and only once."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives

from nhiemvu.reminders.models import Notification, NotificationKind

from .conftest import World

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

pytestmark = pytest.mark.django_db

D = dt.date


def sent(notifications: object = None) -> list[tuple[str, StrOrPromise]]:
    """(recipient address, subject) of every e-mail in the outbox, in order."""
    return [(m.to[0], m.subject) for m in mail.outbox]


def test_the_june_period_is_cut_off_on_the_14th_and_due_on_friday_the_16th(world: World) -> None:
    june = world.period("2023-06")
    assert (june.ends_on, june.due_on) == (D(2023, 6, 14), D(2023, 6, 16))
    may = world.period("2023-05")
    assert may.due_on == D(2023, 5, 16)


def test_walking_june_each_unit_hears_three_days_before_on_the_day_and_when_late(
    world: World, remind
) -> None:
    june = world.period("2023-06")
    may = world.period("2023-05")
    # May was sent on time by both units, so nobody is late two periods in a row.
    for task in (world.forest_task, world.rural_task):
        world.submit(task, may, D(2023, 5, 15))
    forest, rural = world.cast.unit_staff.email, world.rural_staff.email

    # Tuesday 13/06, three days before the send-by date: both units, one e-mail per task.
    result = remind(D(2023, 6, 13))
    assert (result.created, result.emailed, result.digests) == (2, 2, 0)
    assert sent() == [
        (forest, "[nhiemvu] Còn 3 ngày đến hạn gửi báo cáo Tháng 06/2023 (16/06/2023)"),
        (rural, "[nhiemvu] Còn 3 ngày đến hạn gửi báo cáo Tháng 06/2023 (16/06/2023)"),
    ]
    message = mail.outbox[0]
    assert "Nhiệm vụ 1. Nhiệm vụ số 1" in message.body
    assert f"/reporting/tasks/{world.forest_task.pk}/periods/{june.pk}/" in message.body
    assert isinstance(message, EmailMultiAlternatives)
    html, mimetype = message.alternatives[0]
    assert isinstance(html, str)
    assert mimetype == "text/html" and "Kính gửi Hoàng Văn Lâm" in html
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"

    # Running again the same day, every few minutes as cron does, sends nothing new.
    for hour in (8, 9, 17):
        assert remind(D(2023, 6, 13), hour).created == 0
    assert len(mail.outbox) == 2

    # Wednesday 14/06 and Thursday 15/06: nothing new is due. The forest unit sends its report.
    assert remind(D(2023, 6, 14)).created == 0
    world.submit(world.forest_task, june, D(2023, 6, 14))
    assert remind(D(2023, 6, 15)).created == 0

    # Friday 16/06, the send-by date: only the unit that has not sent hears about it.
    mail.outbox.clear()
    assert remind(D(2023, 6, 16), 7).created == 1
    assert sent() == [(rural, "[nhiemvu] Hôm nay (16/06/2023) là hạn gửi báo cáo Tháng 06/2023")]

    # Over the weekend nothing; Monday 19/06 it is overdue, once.
    mail.outbox.clear()
    assert remind(D(2023, 6, 17)).created == 0
    assert remind(D(2023, 6, 19)).created == 1
    assert remind(D(2023, 6, 19), 15).created == 0
    assert sent() == [(rural, "[nhiemvu] Quá hạn gửi báo cáo Tháng 06/2023 (hạn 16/06/2023)")]

    # The whole walk, as the database remembers it: nobody else was told anything.
    rows = list(Notification.objects.order_by("id").values_list("recipient__username", "kind"))
    assert rows == [
        ("kiemlam", NotificationKind.REPORT_DUE_SOON),
        ("ptnt", NotificationKind.REPORT_DUE_SOON),
        ("ptnt", NotificationKind.REPORT_DUE_TODAY),
        ("ptnt", NotificationKind.REPORT_OVERDUE),
    ]
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0


def test_a_draft_plan_gets_no_reminders(world: World, remind) -> None:
    world.plan.status = "draft"
    world.plan.save(update_fields=["status"])
    assert remind(D(2023, 6, 16)).created == 0
    assert mail.outbox == []


def test_a_locked_period_chases_nobody(world: World, remind) -> None:
    from nhiemvu.reporting.services import period_lock

    period_lock(period=world.period("2023-06"), user=world.cast.planning_finance)
    world.submit(world.forest_task, world.period("2023-05"), D(2023, 5, 15))
    world.submit(world.rural_task, world.period("2023-05"), D(2023, 5, 15))
    assert remind(D(2023, 6, 16)).created == 0


def test_a_milestone_is_announced_seven_days_ahead_and_once_overdue_unless_met(world: World, remind) -> None:
    # Both tasks have a milestone on 30/06; May and June reports are sent so only milestones speak.
    for key, day in (("2023-05", D(2023, 5, 15)), ("2023-06", D(2023, 6, 14))):
        for task in (world.forest_task, world.rural_task):
            world.submit(task, world.period(key), day)

    assert remind(D(2023, 6, 22)).created == 0
    assert remind(D(2023, 6, 23)).created == 2
    assert {(n.recipient.username, n.kind) for n in Notification.objects.all()} == {
        ("kiemlam", NotificationKind.MILESTONE_DUE_SOON),
        ("ptnt", NotificationKind.MILESTONE_DUE_SOON),
    }
    # The forest unit's report says the milestone was reached; the rural unit's says nothing.
    june = world.forest_task.reports.get(period__key="2023-06")
    june.milestones_met.add(world.forest_task.milestones.get())
    assert remind(D(2023, 6, 30)).created == 0  # due today: the 7-day notice already said so
    mail.outbox.clear()
    assert remind(D(2023, 7, 3)).created == 1
    assert sent() == [(world.rural_staff.email, "[nhiemvu] Quá mốc tiến độ 30/06/2023: nhiệm vụ 2")]


def test_a_task_deadline_is_announced_seven_days_ahead_then_once_overdue(world: World, remind) -> None:
    world.rural_task.delete()
    task = world.forest_task
    task.deadline = D(2023, 6, 9)  # a Friday, between two send-by dates
    task.save(update_fields=["deadline"])
    task.milestones.all().delete()
    world.submit(task, world.period("2023-05"), D(2023, 5, 15))
    assert remind(D(2023, 6, 1)).created == 0
    assert remind(D(2023, 6, 2)).created == 1
    assert remind(D(2023, 6, 10)).created == 0  # a Saturday
    assert remind(D(2023, 6, 12)).created == 1
    assert [m.subject for m in mail.outbox] == [
        "[nhiemvu] Còn 7 ngày đến thời hạn hoàn thành nhiệm vụ 1 (09/06/2023)",
        "[nhiemvu] Quá thời hạn hoàn thành nhiệm vụ 1 (09/06/2023)",
    ]
    assert all(m.to == [world.cast.unit_staff.email] for m in mail.outbox)


def test_a_make_up_working_saturday_is_a_working_day_for_reminders(world: World, remind) -> None:
    """The Government's announcement can make a Saturday a working day (04/05/2024 in 2024): the
    reminder round works that day as on a weekday."""
    from nhiemvu.reporting.models import MakeUpWorkday

    world.rural_task.delete()
    task = world.forest_task
    task.deadline = D(2023, 6, 9)
    task.save(update_fields=["deadline"])
    task.milestones.all().delete()
    world.submit(task, world.period("2023-05"), D(2023, 5, 15))
    assert remind(D(2023, 6, 2)).created == 1  # seven days ahead
    MakeUpWorkday.objects.create(day=D(2023, 6, 10), name="Làm bù (thử)")
    assert remind(D(2023, 6, 10)).created == 1  # the overdue notice, on the make-up Saturday
    assert remind(D(2023, 6, 12)).created == 0  # and not again on Monday
