"""A returned or accepted report reaches the unit when it happens, not at the next reminder round.

In the app at once, by e-mail at once for those who chose it, in the day's digest for digest
users, never for those who turned e-mail off; and the round that follows sends nothing again.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from nhiemvu.reminders.models import EmailMode, Notification, NotificationKind, NotificationPreference
from nhiemvu.reminders.services import digests_send
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.reporting.services import report_accept, report_return

from .conftest import HANOI, World, on

pytestmark = pytest.mark.django_db

D = dt.date
COMMENT = "Đề nghị bổ sung diện tích trồng rừng đến hết ngày 14/6."


@pytest.fixture
def sent(world: World) -> ProgressReport:
    world.may_on_time()
    return world.submit(world.forest_task, world.period("2023-06"), D(2023, 6, 9))


def _review_on_the_page(world: World, report: ProgressReport, decision: str, comment: str = "") -> None:
    client = Client()
    client.force_login(world.cast.planning_finance)
    response = client.post(
        reverse("reporting:report-review", args=[report.pk]), {"decision": decision, "comment": comment}
    )
    assert response.status_code == 302


def test_a_return_on_the_page_reaches_the_unit_at_once_with_the_comment(
    world: World, sent: ProgressReport, django_capture_on_commit_callbacks
) -> None:
    with on(D(2023, 6, 12), 10), django_capture_on_commit_callbacks(execute=True):
        _review_on_the_page(world, sent, "return", COMMENT)
    (notice,) = Notification.objects.filter(kind=NotificationKind.REPORT_RETURNED)
    assert notice.recipient == world.cast.unit_staff
    assert COMMENT in notice.body and "nhiệm vụ 1" in notice.subject
    assert notice.url == reverse("reporting:report-edit", args=[sent.task_id, sent.period_id])
    (email,) = mail.outbox  # the unit's staff chose nothing: immediate e-mail is the default
    assert email.to == [world.cast.unit_staff.email]
    assert COMMENT in email.body and "bị trả lại" in email.subject
    assert notice.emailed_at is not None


def test_an_acceptance_through_the_api_reaches_the_unit_at_once(
    world: World, sent: ProgressReport, django_capture_on_commit_callbacks
) -> None:
    from nhiemvu.api.services import api_token_create

    token = api_token_create(user=world.cast.planning_finance, name="Phần mềm văn bản", scope="write")[1]
    client = Client()
    with on(D(2023, 6, 12), 10), django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/v1/reports/{sent.pk}/accept",
            data={},
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert response.status_code == 200, response.content
    (notice,) = Notification.objects.filter(kind=NotificationKind.REPORT_ACCEPTED)
    assert notice.recipient == world.cast.unit_staff
    assert "đã được chấp nhận" in notice.subject
    assert [m.to for m in mail.outbox] == [[world.cast.unit_staff.email]]


def test_after_the_immediate_notice_the_round_makes_no_second_one(
    world: World, sent: ProgressReport, remind, django_capture_on_commit_callbacks
) -> None:
    with on(D(2023, 6, 12), 10), django_capture_on_commit_callbacks(execute=True):
        report_return(report=sent, user=world.cast.planning_finance, comment=COMMENT)
    assert len(mail.outbox) == 1
    remind(D(2023, 6, 12), 11)
    remind(D(2023, 6, 13), 8)
    assert Notification.objects.filter(kind=NotificationKind.REPORT_RETURNED).count() == 1
    assert len([m for m in mail.outbox if "bị trả lại" in m.subject]) == 1


def test_a_digest_user_gets_the_return_in_the_days_digest_not_at_once(
    world: World, sent: ProgressReport, django_capture_on_commit_callbacks
) -> None:
    NotificationPreference.objects.create(user=world.cast.unit_staff, email=EmailMode.DIGEST)
    with on(D(2023, 6, 12), 10), django_capture_on_commit_callbacks(execute=True):
        report_return(report=sent, user=world.cast.planning_finance, comment=COMMENT)
    assert Notification.objects.filter(kind=NotificationKind.REPORT_RETURNED, recipient=world.cast.unit_staff)
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        assert digests_send(now=dt.datetime(2023, 6, 13, 8, 0, tzinfo=HANOI)) == 1
    (digest,) = mail.outbox
    assert COMMENT in digest.body


def test_a_user_who_turned_email_off_sees_it_in_the_app_only(
    world: World, sent: ProgressReport, django_capture_on_commit_callbacks
) -> None:
    NotificationPreference.objects.create(user=world.cast.unit_staff, email=EmailMode.OFF)
    with on(D(2023, 6, 12), 10), django_capture_on_commit_callbacks(execute=True):
        report_accept(report=sent, user=world.cast.planning_finance)
    assert Notification.objects.filter(kind=NotificationKind.REPORT_ACCEPTED, recipient=world.cast.unit_staff)
    assert mail.outbox == []


def test_a_review_that_did_not_commit_tells_nobody(
    world: World, sent: ProgressReport, django_capture_on_commit_callbacks
) -> None:
    from django.db import transaction

    class Undo(Exception):
        pass

    with (
        on(D(2023, 6, 12), 10),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(Undo),
        transaction.atomic(),
    ):
        report_return(report=sent, user=world.cast.planning_finance, comment=COMMENT)
        raise Undo
    assert not Notification.objects.filter(kind=NotificationKind.REPORT_RETURNED).exists()
    assert mail.outbox == []
    sent.refresh_from_db()
    assert sent.status == "submitted"
