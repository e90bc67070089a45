"""Figures typed the Vietnamese way survive save → redisplay → save, through the real form view.

The defect this guards against: `8.650` saved once, shown back as `8,65` (a formatted value
formatted again), and the next save stored 8.65. Whatever a unit types in Vietnamese format is
stored exactly, shown back in the same format, and saving the page again changes nothing —
after a successful save and after a validation error alike, in Vietnamese and in English.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.reporting.models import ProgressReport, TargetValue
from nhiemvu.testing import form_data

from .conftest import Cycle

pytestmark = pytest.mark.django_db


def _url(cycle: Cycle) -> str:
    return reverse("reporting:report-edit", args=[cycle.forest_task.pk, cycle.june.pk])


def _shown(client: Client, cycle: Cycle) -> dict[str, Any]:
    response = client.get(_url(cycle))
    assert response.status_code == 200
    return form_data(response.content.decode(), "report-form")


def _post(client: Client, cycle: Cycle, data: dict[str, Any], action: str = "save") -> Any:
    return client.post(_url(cycle), {**data, "action": action})


def _stored(cycle: Cycle) -> dict[str, Decimal | None]:
    report = ProgressReport.objects.get(task=cycle.forest_task, period=cycle.june)
    stored: dict[str, Decimal | None] = {"percent_done": report.percent_done}
    for value in TargetValue.objects.filter(report=report):
        stored[f"actual_{value.target_id}"] = value.actual
        stored[f"estimate_{value.target_id}"] = value.estimate
    return stored


def _ungrouped(number: Decimal) -> str:
    """`8650,5`: typed without thousands dots, as many people do."""
    return format_vn(number).replace(".", "")


# Figures as a person types them: grouped (`1.234.567,891`) or not (`1234567,891`).
amounts = st.decimals(min_value=0, max_value=Decimal("9999999999"), places=4, allow_nan=False)
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
styles = st.sampled_from([format_vn, _ungrouped])


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actual=amounts, estimate=amounts, percent=percents, style=styles, day=st.dates(dt.date(2020, 1, 1)))
def test_any_vietnamese_figure_survives_save_redisplay_save(
    client: Client,
    cycle: Cycle,
    actual: Decimal,
    estimate: Decimal,
    percent: Decimal,
    style: Any,
    day: dt.date,
) -> None:
    client.force_login(cycle.cast.unit_staff)
    first, second = cycle.forest_task.targets.all()[:2]
    data = _shown(client, cycle)
    typed = {
        f"actual_{first.pk}": style(actual),
        f"estimate_{first.pk}": style(estimate),
        f"actual_{second.pk}": style(estimate),
        "percent_done": style(percent),
        "completed_on": f"{day.day}/{day.month}/{day.year}",  # 30/6/2025, as typed
    }
    assert _post(client, cycle, {**data, **typed}).status_code == 302
    expected = {
        f"actual_{first.pk}": actual,
        f"estimate_{first.pk}": estimate,
        f"actual_{second.pk}": estimate,
        f"estimate_{second.pk}": None,
        "percent_done": percent,
    }
    assert _stored(cycle) == expected

    shown = _shown(client, cycle)
    for name, number in expected.items():
        assert shown[name] == format_vn(number), name  # 8.650 comes back as 8.650, not 8,65
    assert shown["completed_on"] == day.strftime("%d/%m/%Y")

    assert _post(client, cycle, shown).status_code == 302  # save again, touching nothing
    assert _stored(cycle) == expected
    report = ProgressReport.objects.get(task=cycle.forest_task, period=cycle.june)
    assert report.completed_on == day


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("8.650", Decimal("8650")),
        ("9.100", Decimal("9100")),
        ("1.500", Decimal("1500")),
        ("1.234.567,891", Decimal("1234567.891")),
        ("0,5", Decimal("0.5")),
        ("64,2", Decimal("64.2")),
        ("64.2", Decimal("64.2")),  # typed on an English keyboard: not 642
        ("6.820,75", Decimal("6820.75")),
    ],
)
def test_a_figure_typed_before_a_validation_error_is_shown_as_typed_and_saved_as_meant(
    client: Client, cycle: Cycle, typed: str, stored: Decimal
) -> None:
    client.force_login(cycle.cast.unit_staff)
    target = cycle.forest_task.targets.first()
    assert target is not None
    data = {**_shown(client, cycle), f"actual_{target.pk}": typed, "percent_done": "150"}
    response = _post(client, cycle, data)
    assert response.status_code == 200  # refused: the share of work done is over 100 %
    assert "Tỷ lệ hoàn thành phải từ 0 đến 100%." in response.content.decode()
    shown = form_data(response.content.decode(), "report-form")
    assert shown[f"actual_{target.pk}"] == typed

    assert _post(client, cycle, {**shown, "percent_done": "40"}).status_code == 302
    assert _stored(cycle)[f"actual_{target.pk}"] == stored


def test_saving_the_draft_twice_then_submitting_keeps_8650(client: Client, cycle: Cycle) -> None:
    """The user's report, step by step: 8.650 and 9.100 typed, Lưu nháp twice, Gửi báo cáo."""
    client.force_login(cycle.cast.unit_staff)
    target = cycle.forest_task.targets.first()
    assert target is not None
    data = {**_shown(client, cycle), f"actual_{target.pk}": "8.650", f"estimate_{target.pk}": "9.100"}
    assert _post(client, cycle, data).status_code == 302
    for _ in range(2):
        shown = _shown(client, cycle)
        assert (shown[f"actual_{target.pk}"], shown[f"estimate_{target.pk}"]) == ("8.650", "9.100")
        assert _post(client, cycle, shown).status_code == 302
    assert _post(client, cycle, _shown(client, cycle), action="submit").status_code == 302
    value = TargetValue.objects.get(report__task=cycle.forest_task, target=target)
    assert (value.actual, value.estimate, value.report.status) == (Decimal(8650), Decimal(9100), "submitted")


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("8,6,5", "không phải là số"),
        ("1.2.3", "không phải là số"),
        ("tám nghìn", "không phải là số"),
        ("-5", "không được âm"),
        ("1,23456", "4"),  # more decimals than a figure keeps: refused, not rounded silently
    ],
)
def test_a_figure_that_cannot_be_read_is_refused_with_a_vietnamese_message_and_nothing_is_saved(
    client: Client, cycle: Cycle, typed: str, message: str
) -> None:
    client.force_login(cycle.cast.unit_staff)
    target = cycle.forest_task.targets.first()
    assert target is not None
    response = _post(client, cycle, {**_shown(client, cycle), f"actual_{target.pk}": typed})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert form_data(response.content.decode(), "report-form")[f"actual_{target.pk}"] == typed
    assert not ProgressReport.objects.filter(task=cycle.forest_task).exists()


def test_in_english_figures_are_read_and_shown_the_english_way(client: Client, cycle: Cycle) -> None:
    client.force_login(cycle.cast.unit_staff)
    client.cookies["django_language"] = "en"
    target = cycle.forest_task.targets.first()
    assert target is not None
    data = {**_shown(client, cycle), f"actual_{target.pk}": "8,650.5", "percent_done": "64.2"}
    assert _post(client, cycle, data).status_code == 302
    shown = _shown(client, cycle)
    assert (shown[f"actual_{target.pk}"], shown["percent_done"]) == ("8,650.5", "64.2")
    assert _post(client, cycle, shown).status_code == 302
    assert _stored(cycle)[f"actual_{target.pk}"] == Decimal("8650.5")
    assert _stored(cycle)["percent_done"] == Decimal("64.2")


def test_a_browser_installed_in_english_still_gets_vietnamese_and_8650_stays_8650(
    client: Client, cycle: Cycle
) -> None:
    """An officer's browser asks for English (Accept-Language); nobody picked English in the header.
    Following the browser, the form would read `8.650` the English way and store 8.65."""
    client.force_login(cycle.cast.unit_staff)
    english_browser = {"Accept-Language": "en-US,en;q=0.9"}
    target = cycle.forest_task.targets.first()
    assert target is not None
    form = client.get(_url(cycle), headers=english_browser)
    assert '<html lang="vi"' in form.content.decode() and form["Content-Language"] == "vi"
    data = {**form_data(form.content.decode(), "report-form"), f"actual_{target.pk}": "8.650"}
    assert client.post(_url(cycle), {**data, "action": "save"}, headers=english_browser).status_code == 302
    assert _stored(cycle)[f"actual_{target.pk}"] == Decimal(8650)
    shown = form_data(client.get(_url(cycle), headers=english_browser).content.decode(), "report-form")
    assert shown[f"actual_{target.pk}"] == "8.650"
