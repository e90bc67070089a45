from __future__ import annotations

import datetime as dt

import pytest

from nhiemvu.reporting.models import Holiday
from nhiemvu.reporting.services import periods_generate
from nhiemvu.testing import Cast, make_plan

pytestmark = pytest.mark.django_db


def test_a_monthly_and_quarterly_plan_gets_12_months_and_4_quarters_with_decree_cut_offs(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    periods = periods_generate(plan=plan)
    assert [p.key for p in periods if p.frequency == "quarterly"] == [
        "2023-Q1",
        "2023-Q2",
        "2023-Q3",
        "2023-Q4",
    ]
    assert len([p for p in periods if p.frequency == "monthly"]) == 12
    q2 = plan.periods.get(key="2023-Q2")
    assert (q2.starts_on, q2.ends_on, q2.label) == (dt.date(2023, 3, 15), dt.date(2023, 6, 14), "Quý II/2023")
    january = plan.periods.get(key="2023-01")
    assert january.starts_on == dt.date(2022, 12, 15)


def test_send_by_dates_skip_weekends_and_tet(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    periods_generate(plan=plan)
    # 14/01/2023 is a Saturday; Monday 16 and Tuesday 17 are the two working days after it.
    assert plan.periods.get(key="2023-01").due_on == dt.date(2023, 1, 17)
    # 14/06/2023 is a Wednesday.
    assert plan.periods.get(key="2023-06").due_on == dt.date(2023, 6, 16)


def test_the_holiday_table_moves_the_send_by_date(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    Holiday.objects.get_or_create(day=dt.date(2023, 6, 15), defaults={"name": "Ngày nghỉ thử"})
    periods_generate(plan=plan)
    assert plan.periods.get(key="2023-06").due_on == dt.date(2023, 6, 19)


def test_generating_twice_creates_nothing_new_and_a_new_offset_redates(cast: Cast) -> None:
    plan = make_plan(cast, tasks=1)
    periods_generate(plan=plan)
    periods_generate(plan=plan)
    assert plan.periods.count() == 16
    periods_generate(plan=plan, due_working_days=5)
    assert plan.periods.get(key="2023-06").due_on == dt.date(2023, 6, 21)


def test_tet_2024_holidays_are_in_the_table_after_migrating() -> None:
    assert Holiday.objects.filter(day__range=(dt.date(2024, 2, 8), dt.date(2024, 2, 14))).count() == 7


def test_a_closed_plan_is_not_reopened_by_activating_it(client, cast: Cast) -> None:
    from django.urls import reverse

    plan = make_plan(cast, tasks=1)
    plan.status = "closed"
    plan.save()
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("reporting:period-list", args=[plan.pk]), {"action": "activate"}, follow=True
    )
    assert "Kế hoạch đã kết thúc, không thể đưa lại vào theo dõi." in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == "closed" and plan.periods.count() == 0


def test_activating_an_imported_plan_makes_it_active_with_its_calendar(client, cast: Cast) -> None:
    from django.urls import reverse

    plan = make_plan(cast, tasks=1)
    assert plan.status == "draft" and plan.periods.count() == 0
    client.force_login(cast.unit_staff)
    response = client.post(reverse("reporting:period-list", args=[plan.pk]), {"action": "activate"})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == "draft"
    client.force_login(cast.planning_finance)
    client.post(reverse("reporting:period-list", args=[plan.pk]), {"action": "activate"})
    plan.refresh_from_db()
    assert plan.status == "active" and plan.periods.count() == 16
