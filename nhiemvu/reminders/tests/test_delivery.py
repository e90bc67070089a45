"""E-mail preferences (immediately, daily digest, off), failures retried, and the command itself."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Sequence
from io import StringIO

import pytest
from django.core import mail
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command

from nhiemvu.reminders.management.commands.remind import Command
from nhiemvu.reminders.models import DigestEmail, EmailMode, Notification, NotificationPreference
from nhiemvu.reminders.services import MAX_EMAIL_ATTEMPTS, RoundResult

from .conftest import World, on

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _may_on_time(world: World) -> None:
    world.may_on_time()


D = dt.date


class FailingBackend(EmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise ConnectionRefusedError("SMTP server down")


def test_a_user_who_turned_email_off_sees_the_notification_in_app_only(world: World, remind) -> None:
    NotificationPreference.objects.create(user=world.cast.unit_staff, email=EmailMode.OFF)
    assert remind(D(2023, 6, 16)).created == 2
    assert [m.to for m in mail.outbox] == [[world.rural_staff.email]]
    muted = Notification.objects.get(recipient=world.cast.unit_staff)
    assert (muted.email_mode, muted.emailed_at, muted.read_at) == (EmailMode.OFF, None, None)


def test_a_user_without_an_address_is_not_emailed(world: World, remind) -> None:
    world.rural_staff.email = ""
    world.rural_staff.save(update_fields=["email"])
    remind(D(2023, 6, 16))
    assert [m.to for m in mail.outbox] == [[world.cast.unit_staff.email]]


def test_a_digest_user_gets_one_email_a_day_listing_the_days_notifications(world: World, remind) -> None:
    NotificationPreference.objects.create(user=world.cast.unit_staff, email=EmailMode.DIGEST)
    report = world.submit(world.forest_task, world.period("2023-06"), D(2023, 6, 9))
    from nhiemvu.reporting.services import report_return

    with on(D(2023, 6, 12), 6):
        report_return(report=report, user=world.cast.planning_finance, comment="Sai đơn vị tính")
    # 06:00, before the digest hour: the notification is made, the e-mail waits.
    assert remind(D(2023, 6, 12), 6).digests == 0
    assert Notification.objects.filter(recipient=world.cast.unit_staff).count() == 1
    assert mail.outbox == []
    # Tuesday 13/06 06:00: the "3 days before" notice joins it; 08:00: one digest with both.
    remind(D(2023, 6, 13), 6)
    result = remind(D(2023, 6, 13), 8)
    assert result.digests == 1
    digests = [m for m in mail.outbox if m.to == [world.cast.unit_staff.email]]
    assert len(digests) == 1
    assert digests[0].subject == "[nhiemvu] Tổng hợp nhắc việc ngày 13/06/2023: 2 thông báo"
    assert "Sai đơn vị tính" in digests[0].body and "Còn 3 ngày đến hạn gửi báo cáo" in digests[0].body
    assert isinstance(digests[0], EmailMultiAlternatives)
    html = digests[0].alternatives[0][0]
    assert isinstance(html, str)
    assert "<ol>" in html
    # Later the same day: nothing more, even with a new notification pending (it waits for tomorrow).
    remind(D(2023, 6, 13), 17)
    remind(D(2023, 6, 16), 6)  # due today: pending
    assert len([m for m in mail.outbox if m.to == [world.cast.unit_staff.email]]) == 1
    remind(D(2023, 6, 16), 9)
    assert DigestEmail.objects.filter(recipient=world.cast.unit_staff).count() == 2


def test_a_refused_email_is_retried_next_round_then_given_up(world: World, remind, settings) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    assert remind(D(2023, 6, 16)).emailed == 2

    def attempts() -> list[int]:
        return list(
            Notification.objects.filter(emailed_at__isnull=True).values_list("email_attempts", flat=True)
        )

    assert attempts() == [1, 1]
    for _ in range(MAX_EMAIL_ATTEMPTS):
        remind(D(2023, 6, 16), 9)
    assert attempts() == [MAX_EMAIL_ATTEMPTS, MAX_EMAIL_ATTEMPTS]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert remind(D(2023, 6, 16), 10).emailed == 0
    assert mail.outbox == []


def test_the_command_prints_a_summary_in_vietnamese(world: World, django_capture_on_commit_callbacks) -> None:
    out = StringIO()
    with on(D(2023, 6, 16)), django_capture_on_commit_callbacks(execute=True):
        call_command("remind", stdout=out)
    assert out.getvalue() == "Đôn đốc ngày 16/06/2023: 2 thông báo mới, 2 thư gửi ngay, 0 thư tổng hợp.\n"


def test_the_loop_runs_rounds_until_told_to_stop(world: World, django_capture_on_commit_callbacks) -> None:
    out = StringIO()
    command = Command(stdout=out)
    rounds = []
    original = command.handle_one

    def counted() -> RoundResult:
        try:
            rounds.append(original())
        finally:
            if len(rounds) >= 3 or len(out.getvalue()) > 10_000:
                command.stopping.set()  # what SIGTERM does
        return rounds[-1]

    command.handle_one = counted  # type: ignore[method-assign]  # counts this one command's rounds
    with on(D(2023, 6, 16)), django_capture_on_commit_callbacks(execute=True):
        # The loop installs a SIGTERM handler, which only the main thread may do.
        assert threading.current_thread() is threading.main_thread()
        command.handle(loop=True, interval=0.01)
    assert [r.created for r in rounds] == [2, 0, 0]
    assert out.getvalue().endswith("Đã dừng đôn đốc.\n")
    assert len(mail.outbox) == 2
