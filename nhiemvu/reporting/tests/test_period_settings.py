"""Planning-Finance sets the send-by dates: a rule in working days, or one period's own date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.testing import form_data

from .conftest import Cycle

pytestmark = pytest.mark.django_db


def _url(cycle: Cycle) -> str:
    return reverse("reporting:period-list", args=[cycle.plan.pk])


def _due_field(cycle: Cycle) -> str:
    return f"p{cycle.june.pk}-due_on"


def _shown_due(html: str, cycle: Cycle) -> str:
    import re

    match = re.search(rf'name="{_due_field(cycle)}"[^>]*value="([^"]*)"', html) or re.search(
        rf'value="([^"]*)"[^>]*name="{_due_field(cycle)}"', html
    )
    assert match, "no send-by field for June"
    return match.group(1)


def test_a_send_by_date_typed_as_18_6_2023_is_stored_shown_and_saved_again_unchanged(
    client: Client, cycle: Cycle
) -> None:
    client.force_login(cycle.cast.planning_finance)
    post = {"action": "due", "period": cycle.june.pk, _due_field(cycle): "18/6/2023"}
    response = client.post(_url(cycle), post, follow=True)
    assert "Hạn gửi kỳ Tháng 06/2023: 18/06/2023." in response.content.decode()
    cycle.june.refresh_from_db()
    assert cycle.june.due_on == dt.date(2023, 6, 18)

    shown = _shown_due(client.get(_url(cycle)).content.decode(), cycle)
    assert shown == "18/06/2023"
    client.post(_url(cycle), {**post, _due_field(cycle): shown})
    cycle.june.refresh_from_db()
    assert cycle.june.due_on == dt.date(2023, 6, 18)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("31/02/2023", "«31/02/2023» không phải là ngày hợp lệ"),
        ("ngày mai", "không phải là ngày hợp lệ"),
        ("10/6/2023", "Hạn gửi báo cáo không được trước ngày chốt số liệu."),  # June's cut-off is 14/6
    ],
)
def test_a_send_by_date_that_cannot_be_right_is_refused_in_vietnamese_and_nothing_changes(
    client: Client, cycle: Cycle, typed: str, message: str
) -> None:
    before = cycle.june.due_on
    client.force_login(cycle.cast.planning_finance)
    response = client.post(
        _url(cycle), {"action": "due", "period": cycle.june.pk, _due_field(cycle): typed}, follow=True
    )
    html = response.content.decode()
    assert message in html
    cycle.june.refresh_from_db()
    assert cycle.june.due_on == before
    if "hợp lệ" in message:  # a form error: the page comes back with what was typed
        assert response.status_code == 400
        assert _shown_due(html, cycle) == typed


def test_the_working_days_rule_re_dates_every_period_and_shows_what_it_holds(
    client: Client, cycle: Cycle
) -> None:
    client.force_login(cycle.cast.planning_finance)
    response = client.post(_url(cycle), {"action": "calendar", "due_working_days": "5"}, follow=True)
    assert "Đã tính lại hạn gửi" in response.content.decode()
    june = ReportingPeriod.objects.get(pk=cycle.june.pk)
    assert june.due_on == dt.date(2023, 6, 21)  # cut-off Wed 14/6, five working days: Wed 21/6
    assert form_data(response.content.decode(), "calendar-form")["due_working_days"] == "5"


@pytest.mark.parametrize("typed", ["31", "-1", "hai"])
def test_a_working_days_rule_out_of_range_is_refused(client: Client, cycle: Cycle, typed: str) -> None:
    before = list(ReportingPeriod.objects.order_by("pk").values_list("due_on", flat=True))
    client.force_login(cycle.cast.planning_finance)
    response = client.post(_url(cycle), {"action": "calendar", "due_working_days": typed})
    assert response.status_code == 400
    html = response.content.decode()
    assert "30 ngày làm việc" in html or "Nhập số ngày làm việc" in html
    assert form_data(html, "calendar-form")["due_working_days"] == typed
    assert list(ReportingPeriod.objects.order_by("pk").values_list("due_on", flat=True)) == before


@pytest.mark.parametrize("who", ["unit_staff", "deputy", "reviewer", "outsider"])
def test_only_planning_finance_sets_send_by_dates(client: Client, cycle: Cycle, who: str) -> None:
    client.force_login(getattr(cycle.cast, who))
    response = client.post(
        _url(cycle), {"action": "due", "period": cycle.june.pk, _due_field(cycle): "20/6/2023"}
    )
    assert response.status_code == 404
    cycle.june.refresh_from_db()
    assert cycle.june.due_on != dt.date(2023, 6, 20)
    if who != "outsider":
        assert _due_field(cycle) not in client.get(_url(cycle)).content.decode()
