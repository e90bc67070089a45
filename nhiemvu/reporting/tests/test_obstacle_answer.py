"""The leader's direction (ý kiến chỉ đạo) on a unit's obstacles: who may give it, when, and what survives."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from nhiemvu.reminders.models import Notification, NotificationKind
from nhiemvu.reporting.errors import NotAllowedError, ObstacleNotAnswerableError, ReportingError
from nhiemvu.reporting.models import Obstacle, ObstacleStatus, ProgressReport
from nhiemvu.reporting.services import (
    ObstacleInput,
    ReportInput,
    obstacle_answer,
    report_accept,
    report_return,
    report_save_draft,
    report_start,
    report_submit,
)

from .conftest import Cycle

pytestmark = pytest.mark.django_db

SEEDS = ObstacleInput("Thiếu giống cây lâm nghiệp", needs="Bổ sung kinh phí", addressed_to="Sở Tài chính")
FLOOD = ObstacleInput("Mưa lũ kéo dài")


def _data(cycle: Cycle, obstacles: list[ObstacleInput], actual: int = 100) -> ReportInput:
    return ReportInput(
        percent_done=Decimal(40),
        values={t.pk: (Decimal(actual), None) for t in cycle.forest_task.targets.all()},
        obstacles=obstacles,
    )


def _draft(cycle: Cycle, obstacles: list[ObstacleInput] | None = None) -> ProgressReport:
    user = cycle.cast.unit_staff
    report = report_start(task=cycle.forest_task, period=cycle.june, user=user)
    data = _data(cycle, [SEEDS, FLOOD] if obstacles is None else obstacles)
    return report_save_draft(report=report, user=user, revision=report.revision, data=data)


def _submitted(cycle: Cycle, obstacles: list[ObstacleInput] | None = None) -> ProgressReport:
    return report_submit(report=_draft(cycle, obstacles), user=cycle.cast.unit_staff)


def _seeds(report: ProgressReport) -> Obstacle:
    return report.obstacles.get(description=SEEDS.description)


# The service --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["deputy", "director", "planning_finance"])
def test_the_leader_the_director_and_planning_finance_may_answer(cycle: Cycle, who: str) -> None:
    obstacle = _seeds(_submitted(cycle))
    answered = obstacle_answer(
        obstacle=obstacle,
        user=getattr(cycle.cast, who),
        answer="  Sở sẽ làm việc với Sở Tài chính ",
        resolved=False,
    )
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer) == (ObstacleStatus.ANSWERED, "Sở sẽ làm việc với Sở Tài chính")
    assert obstacle.answered_at is not None and answered.answered_at == obstacle.answered_at


@pytest.mark.parametrize("who", ["unit_staff", "reviewer", "outsider"])
def test_the_unit_the_provincial_reviewer_and_an_outsider_may_not(cycle: Cycle, who: str) -> None:
    obstacle = _seeds(_submitted(cycle))
    with pytest.raises(NotAllowedError):
        obstacle_answer(obstacle=obstacle, user=getattr(cycle.cast, who), answer="Đồng ý", resolved=True)
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer, obstacle.answered_at) == (ObstacleStatus.OPEN, "", None)


def test_a_deputy_who_does_not_lead_the_task_may_not(cycle: Cycle) -> None:
    cycle.forest_task.leader = None
    cycle.forest_task.save(update_fields=["leader"])
    with pytest.raises(NotAllowedError):
        obstacle_answer(
            obstacle=_seeds(_submitted(cycle)), user=cycle.cast.deputy, answer="x", resolved=False
        )


def test_an_obstacle_of_a_draft_or_returned_report_is_not_answered_yet(cycle: Cycle) -> None:
    report = _draft(cycle)
    with pytest.raises(ObstacleNotAnswerableError) as refused:
        obstacle_answer(obstacle=_seeds(report), user=cycle.cast.deputy, answer="Đồng ý", resolved=False)
    assert "đã gửi hoặc đã chấp nhận" in refused.value.message and refused.value.message_en
    report = report_submit(report=report, user=cycle.cast.unit_staff)
    report_return(report=report, user=cycle.cast.planning_finance, comment="Bổ sung")
    with pytest.raises(ObstacleNotAnswerableError):
        obstacle_answer(obstacle=_seeds(report), user=cycle.cast.deputy, answer="Đồng ý", resolved=False)
    assert _seeds(report).status == ObstacleStatus.OPEN


def test_an_empty_answer_is_refused(cycle: Cycle) -> None:
    with pytest.raises(ReportingError):
        obstacle_answer(
            obstacle=_seeds(_submitted(cycle)), user=cycle.cast.deputy, answer="  ", resolved=False
        )


def test_an_answer_then_a_resolution_updates_the_same_obstacle(cycle: Cycle) -> None:
    report = _submitted(cycle)
    report_accept(report=report, user=cycle.cast.planning_finance)
    first = obstacle_answer(
        obstacle=_seeds(report), user=cycle.cast.deputy, answer="Chờ vốn bổ sung", resolved=False
    )
    second = obstacle_answer(
        obstacle=_seeds(report), user=cycle.cast.director, answer="Đã cấp bổ sung 2 tỷ đồng", resolved=True
    )
    assert second.pk == first.pk
    obstacle = _seeds(report)
    assert (obstacle.status, obstacle.answer) == (ObstacleStatus.RESOLVED, "Đã cấp bổ sung 2 tỷ đồng")
    assert obstacle.answered_at is not None and first.answered_at is not None
    assert obstacle.answered_at >= first.answered_at
    assert report.obstacles.get(description=FLOOD.description).status == ObstacleStatus.OPEN


def test_the_units_staff_are_told_once_after_the_commit(
    cycle: Cycle, django_capture_on_commit_callbacks
) -> None:
    obstacle = _seeds(_submitted(cycle))
    told = Notification.objects.filter(kind=NotificationKind.OBSTACLE_ANSWERED)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        obstacle_answer(obstacle=obstacle, user=cycle.cast.deputy, answer="Đồng ý bổ sung", resolved=False)
        assert not told.exists()  # nothing before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    callbacks[0]()  # a repeated callback makes no second row
    (notification,) = told
    assert notification.recipient == cycle.cast.unit_staff
    assert notification.url == reverse("reporting:task-detail", args=[cycle.forest_task.pk])
    assert "Đồng ý bổ sung" in notification.body and "Thiếu giống cây lâm nghiệp" in notification.body
    # Answering again is news again.
    with django_capture_on_commit_callbacks(execute=True):
        obstacle_answer(obstacle=obstacle, user=cycle.cast.deputy, answer="Đã tháo gỡ", resolved=True)
    assert told.all().count() == 2  # `told` itself holds the rows it read above


def test_a_refused_answer_tells_nobody(cycle: Cycle, django_capture_on_commit_callbacks) -> None:
    obstacle = _seeds(_submitted(cycle))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(NotAllowedError):
        obstacle_answer(obstacle=obstacle, user=cycle.cast.unit_staff, answer="x", resolved=False)
    assert not Notification.objects.filter(kind=NotificationKind.OBSTACLE_ANSWERED).exists()


# Saving a report keeps answered obstacles ---------------------------------------------------------------


def test_answers_survive_a_return_an_edit_and_a_resubmission(cycle: Cycle) -> None:
    report = _submitted(cycle)
    answered = obstacle_answer(
        obstacle=_seeds(report), user=cycle.cast.deputy, answer="Đồng ý", resolved=False
    )
    report = report_return(report=report, user=cycle.cast.planning_finance, comment="Bổ sung số liệu")
    changed = ObstacleInput(SEEDS.description, needs="Bổ sung 2 tỷ đồng", addressed_to=SEEDS.addressed_to)
    new = ObstacleInput("Thiếu nhân lực")
    report = report_save_draft(
        report=report,
        user=cycle.cast.unit_staff,
        revision=report.revision,
        data=_data(cycle, [changed, new], 200),
    )
    report = report_submit(report=report, user=cycle.cast.unit_staff)
    kept = _seeds(report)
    assert kept.pk == answered.pk
    assert (kept.status, kept.answer, kept.answered_at) == (
        ObstacleStatus.ANSWERED,
        "Đồng ý",
        answered.answered_at,
    )
    assert kept.needs == "Bổ sung 2 tỷ đồng"
    # The flood is no longer listed: gone; the new obstacle waits for an answer.
    assert dict(report.obstacles.values_list("description", "status")) == {
        SEEDS.description: ObstacleStatus.ANSWERED,
        "Thiếu nhân lực": ObstacleStatus.OPEN,
    }


def test_a_correction_carries_the_obstacles_and_their_answers(cycle: Cycle) -> None:
    report = _submitted(cycle)
    report_accept(report=report, user=cycle.cast.planning_finance)
    obstacle_answer(obstacle=_seeds(report), user=cycle.cast.deputy, answer="Đã xử lý", resolved=True)
    correction = report_start(task=cycle.forest_task, period=cycle.june, user=cycle.cast.unit_staff)
    assert correction.version == 2
    assert sorted(correction.obstacles.values_list("description", "status", "answer")) == [
        (FLOOD.description, ObstacleStatus.OPEN, ""),
        (SEEDS.description, ObstacleStatus.RESOLVED, "Đã xử lý"),
    ]
    correction = report_save_draft(
        report=correction,
        user=cycle.cast.unit_staff,
        revision=correction.revision,
        data=_data(cycle, [SEEDS], 300),
    )
    assert list(correction.obstacles.values_list("status", "answer")) == [
        (ObstacleStatus.RESOLVED, "Đã xử lý")
    ]
    # The accepted report keeps its own rows.
    assert report.obstacles.count() == 2


# The task page ----------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(user: User, cycle: Cycle) -> str:
    response = _client(user).get(reverse("reporting:task-detail", args=[cycle.forest_task.pk]))
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("who", ["deputy", "director", "planning_finance"])
def test_the_task_page_offers_the_answer_form_to_those_who_may_answer(cycle: Cycle, who: str) -> None:
    report = _submitted(cycle)
    page = _page(getattr(cycle.cast, who), cycle)
    assert page.count('data-testid="obstacle-answer-form"') == 2
    assert reverse("reporting:obstacle-answer", args=[_seeds(report).pk]) in page
    assert "Chờ xử lý" in page


@pytest.mark.parametrize("who", ["unit_staff", "reviewer"])
def test_the_task_page_shows_no_answer_form_to_the_unit_or_the_reviewer(cycle: Cycle, who: str) -> None:
    _submitted(cycle)
    page = _page(getattr(cycle.cast, who), cycle)
    assert "Thiếu giống cây lâm nghiệp" in page
    assert 'data-testid="obstacle-answer-form"' not in page


def test_a_draft_obstacle_has_no_answer_form(cycle: Cycle) -> None:
    _draft(cycle)
    assert 'data-testid="obstacle-answer-form"' not in _page(cycle.cast.deputy, cycle)


def test_the_deputy_answers_on_the_task_page_and_the_unit_sees_it(cycle: Cycle) -> None:
    report = _submitted(cycle)
    obstacle = _seeds(report)
    url = reverse("reporting:obstacle-answer", args=[obstacle.pk])
    response = _client(cycle.cast.deputy).post(
        url, {"answer": "Giao Chi cục điều chuyển giống", "decision": "resolved"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(
        reverse("reporting:task-detail", args=[cycle.forest_task.pk]) + f"#obstacle-{obstacle.pk}"
    )
    assert "Đã ghi ý kiến chỉ đạo về vướng mắc của nhiệm vụ 1." in response.content.decode()
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer) == (ObstacleStatus.RESOLVED, "Giao Chi cục điều chuyển giống")
    assert obstacle.answered_at is not None
    day = f"{obstacle.answered_at.astimezone():%d/%m/%Y}"
    page = _page(cycle.cast.unit_staff, cycle)
    assert "Giao Chi cục điều chuyển giống" in page and "Đã tháo gỡ" in page and day in page
    form = _client(cycle.cast.unit_staff).get(
        reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk])
    )
    assert "Giao Chi cục điều chuyển giống" in form.content.decode()


def test_an_empty_answer_on_the_page_is_an_error_message_and_changes_nothing(cycle: Cycle) -> None:
    obstacle = _seeds(_submitted(cycle))
    response = _client(cycle.cast.deputy).post(
        reverse("reporting:obstacle-answer", args=[obstacle.pk]),
        {"answer": "", "decision": "answered"},
        follow=True,
    )
    assert response.status_code == 200
    assert '<li class="error">1: ' in response.content.decode()
    obstacle.refresh_from_db()
    assert obstacle.status == ObstacleStatus.OPEN


@pytest.mark.parametrize("who", ["unit_staff", "reviewer", "outsider"])
def test_a_post_by_someone_who_may_not_answer_is_404_and_changes_nothing(cycle: Cycle, who: str) -> None:
    obstacle = _seeds(_submitted(cycle))
    response = _client(getattr(cycle.cast, who)).post(
        reverse("reporting:obstacle-answer", args=[obstacle.pk]), {"answer": "Đồng ý", "decision": "resolved"}
    )
    assert response.status_code == 404
    obstacle.refresh_from_db()
    assert (obstacle.status, obstacle.answer, obstacle.answered_at) == (ObstacleStatus.OPEN, "", None)


def test_a_get_on_the_answer_url_is_refused(cycle: Cycle) -> None:
    obstacle = _seeds(_submitted(cycle))
    response = _client(cycle.cast.deputy).get(reverse("reporting:obstacle-answer", args=[obstacle.pk]))
    assert response.status_code == 405


def test_an_answer_shows_who_gave_it_and_when_in_local_time(cycle: Cycle) -> None:
    import datetime as dt
    import re

    import time_machine

    obstacle = _seeds(_submitted(cycle))
    # 02:30 UTC is 09:30 in Hà Nội: the page shows local time, to the minute.
    with time_machine.travel(dt.datetime(2023, 6, 20, 2, 30, 15, 123456, tzinfo=dt.UTC), tick=False):
        obstacle_answer(
            obstacle=obstacle, user=cycle.cast.deputy, answer="Giao Chi cục xử lý", resolved=False
        )
    name = cycle.cast.deputy.get_full_name()
    for html in (
        _page(cycle.cast.unit_staff, cycle),
        _client(cycle.cast.unit_staff)
        .get(reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk]))
        .content.decode(),
    ):
        (said,) = re.findall(r'data-testid="obstacle-answered-by">\(([^)]*)\)', html)
        assert said == f"{name}, 09:30 20/06/2023"
    from nhiemvu.api.builders import obstacle_out

    obstacle.refresh_from_db()
    assert obstacle_out(obstacle)["answered_by"] == name


@pytest.mark.parametrize(
    ("language", "says", "never"),
    [("vi", "đã gửi hoặc đã chấp nhận", " / "), ("en", "submitted or accepted", "đã gửi")],
)
def test_a_refused_answer_is_told_in_the_interface_language_only(
    client: Client, cycle: Cycle, language: str, says: str, never: str
) -> None:
    """One language per message: the service's refusal reaches the page as `localized_message`."""
    returned = report_return(report=_submitted(cycle), user=cycle.cast.planning_finance, comment="Bổ sung")
    obstacle = _seeds(returned)
    client.force_login(cycle.cast.deputy)
    client.cookies["django_language"] = language
    response = client.post(
        reverse("reporting:obstacle-answer", args=[obstacle.pk]),
        {"answer": "Đồng ý", "decision": "answered"},
        follow=True,
    )
    shown = [str(m) for m in response.context["messages"]]
    assert len(shown) == 1 and says in shown[0] and never not in shown[0], shown
    assert shown[0].startswith(f"{cycle.forest_task.code}: ")
