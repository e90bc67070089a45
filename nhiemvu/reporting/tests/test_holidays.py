"""The holiday table for any year: the computed baseline, the announcement kept by an administrator,
send-by dates that follow it, the page, the console and the warnings on the plan's pages."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from io import StringIO

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from pytest_django import DjangoAssertNumQueries

from nhiemvu.plans.models import Plan
from nhiemvu.reporting.errors import NotAllowedError, ReportingError
from nhiemvu.reporting.models import Holiday, HolidayKind, HolidayYear, MakeUpWorkday, ReportingPeriod
from nhiemvu.reporting.selectors import plan_holiday_warning
from nhiemvu.reporting.services import (
    holiday_add,
    holiday_remove,
    holiday_year_confirm,
    holiday_year_ensure,
    period_set_due,
    periods_generate,
    workday_add,
)
from nhiemvu.testing import PASSWORD, Cast, make_plan

pytestmark = pytest.mark.django_db
D = dt.date


@pytest.fixture(autouse=True)
def today() -> Iterator[None]:
    # "Open" periods are those not yet due: the tests' 2027 plans are all ahead of this day.
    with time_machine.travel(dt.datetime(2026, 12, 6, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def admin() -> User:
    return get_user_model().objects.create_superuser("quantri", "quantri@example.vn", PASSWORD)


def _plan_for(cast: Cast, year: int, frequencies: list[str] | None = None) -> Plan:
    plan = make_plan(cast, tasks=1, targets_per_task=1)
    Plan.objects.filter(pk=plan.pk).update(
        year=year,
        starts_on=D(year, 1, 1),
        ends_on=D(year, 12, 31),
        reporting_frequencies=frequencies or ["monthly"],
    )
    plan.refresh_from_db()
    return plan


def _client(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


# --- the table ----------------------------------------------------------------------------------


def test_the_years_2023_to_2026_are_confirmed_with_their_make_up_saturdays() -> None:
    confirmed = HolidayYear.objects.filter(confirmed_at__isnull=False).values_list("year", flat=True)
    assert sorted(confirmed) == [2023, 2024, 2025, 2026]
    assert "6150/TB-LĐTBXH" in HolidayYear.objects.get(year=2025).source
    assert sorted(MakeUpWorkday.objects.values_list("day", flat=True)) == [D(2024, 5, 4), D(2025, 4, 26)]
    assert Holiday.objects.get(day=D(2024, 4, 29)).kind == HolidayKind.SWAPPED
    assert Holiday.objects.get(day=D(2023, 5, 3)).kind == HolidayKind.COMPENSATORY


def test_a_year_without_days_gets_the_laws_baseline_unconfirmed() -> None:
    entry = holiday_year_ensure(year=2027)
    assert entry is not None and not entry.is_confirmed
    days = set(Holiday.objects.filter(day__year=2027).values_list("day", flat=True))
    assert {D(2027, 2, d) for d in range(4, 11)} <= days  # Tết: 5 days, Saturday and Sunday made up
    assert D(2027, 4, 16) in days  # Giỗ Tổ
    assert D(2027, 5, 3) in days  # 1/5 a Saturday
    assert Holiday.objects.get(day=D(2027, 2, 10)).kind == HolidayKind.COMPENSATORY
    holiday_year_ensure(year=2027)
    assert Holiday.objects.filter(day__year=2027).count() == len(days)


def test_a_year_already_stored_keeps_its_days() -> None:
    before = set(Holiday.objects.filter(day__year=2024).values_list("day", "name"))
    assert holiday_year_ensure(year=2024) == HolidayYear.objects.get(year=2024)
    assert set(Holiday.objects.filter(day__year=2024).values_list("day", "name")) == before


def test_a_year_outside_the_lunar_table_is_not_computed() -> None:
    assert holiday_year_ensure(year=2101) is None
    assert not HolidayYear.objects.filter(year=2101).exists()


# --- send-by dates --------------------------------------------------------------------------------


def test_send_by_dates_count_the_make_up_saturday(cast: Cast) -> None:
    plan = _plan_for(cast, 2024)
    periods_generate(plan=plan, due_working_days=12)
    # Cut-off Sunday 14/4/2024; Giỗ Tổ 18/4 and 29/4–1/5 off; Saturday 4/5 worked: the 12th working day.
    assert plan.periods.get(key="2024-04").due_on == D(2024, 5, 4)


def test_periods_of_a_year_not_in_the_table_skip_its_computed_tet(cast: Cast) -> None:
    plan = _plan_for(cast, 2027)
    periods_generate(plan=plan, due_working_days=15)
    assert not HolidayYear.objects.get(year=2027).is_confirmed
    # Cut-off Thursday 14/1/2027: the 15th working day would be Thursday 4/2, the first day off of Tết.
    assert plan.periods.get(key="2027-01").due_on == D(2027, 2, 11)


def test_a_day_the_announcement_adds_moves_open_send_by_dates_and_says_how_many(
    cast: Cast, admin: User
) -> None:
    plan = _plan_for(cast, 2027)
    periods_generate(plan=plan)
    february = plan.periods.get(key="2027-02")  # cut-off Sunday 14/2: due Tuesday 16/2
    assert february.due_on == D(2027, 2, 16)
    moved = holiday_add(user=admin, day=D(2027, 2, 15), name="Nghỉ hoán đổi", kind=HolidayKind.SWAPPED)
    assert moved == 1
    february.refresh_from_db()
    assert february.due_on == D(2027, 2, 17)
    assert holiday_remove(user=admin, holiday=Holiday.objects.get(day=D(2027, 2, 15))) == 1
    february.refresh_from_db()
    assert february.due_on == D(2027, 2, 16)


def test_a_make_up_saturday_added_later_brings_a_send_by_date_forward(cast: Cast, admin: User) -> None:
    plan = _plan_for(cast, 2027)
    periods_generate(plan=plan)
    holiday_add(user=admin, day=D(2027, 4, 15), name="Nghỉ hoán đổi", kind=HolidayKind.SWAPPED)
    april = plan.periods.get(key="2027-04")  # cut-off Wednesday 14/4; 15/4 swapped, 16/4 Giỗ Tổ
    assert april.due_on == D(2027, 4, 20)
    assert workday_add(user=admin, day=D(2027, 4, 17), name="Làm bù cho 15/4") == 1
    april.refresh_from_db()
    assert april.due_on == D(2027, 4, 19)


def test_locked_periods_and_dates_set_by_hand_stay_where_they_are(cast: Cast, admin: User) -> None:
    plan = _plan_for(cast, 2027)
    periods_generate(plan=plan)
    february, march = plan.periods.get(key="2027-02"), plan.periods.get(key="2027-03")
    february.locked_at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    february.save()
    period_set_due(period=march, due_on=D(2027, 3, 31), user=cast.planning_finance)
    moved = holiday_add(user=admin, day=D(2027, 2, 15), name="Nghỉ hoán đổi")
    moved += holiday_add(user=admin, day=D(2027, 3, 15), name="Nghỉ hoán đổi")
    assert moved == 0
    assert ReportingPeriod.objects.get(pk=february.pk).due_on == D(2027, 2, 16)
    assert ReportingPeriod.objects.get(pk=march.pk).due_on == D(2027, 3, 31)


# --- who may change it ----------------------------------------------------------------------------


def test_only_an_administrator_changes_the_national_holidays(cast: Cast) -> None:
    for user in (cast.planning_finance, cast.director, cast.reviewer):
        with pytest.raises(NotAllowedError):
            holiday_add(user=user, day=D(2027, 2, 15), name="Nghỉ")
        with pytest.raises(NotAllowedError):
            holiday_year_confirm(user=user, year=2027, source="Thông báo")
    assert not Holiday.objects.filter(day=D(2027, 2, 15)).exists()


def test_a_make_up_working_day_is_a_weekend_day_that_is_not_off(admin: User) -> None:
    with pytest.raises(ReportingError, match="không phải thứ Bảy"):
        workday_add(user=admin, day=D(2027, 2, 15), name="Làm bù")
    with pytest.raises(ReportingError, match="đang là ngày nghỉ"):
        workday_add(user=admin, day=D(2027, 2, 6), name="Làm bù")  # mùng 1 Tết, a Saturday
    with pytest.raises(ReportingError, match="đã là ngày nghỉ"):
        holiday_add(user=admin, day=D(2027, 2, 8), name="Nghỉ")


def test_confirming_needs_the_announcements_number(admin: User) -> None:
    with pytest.raises(ReportingError, match="số văn bản"):
        holiday_year_confirm(user=admin, year=2027, source="  ")
    entry = holiday_year_confirm(user=admin, year=2027, source="Thông báo 123/TB-BNV")
    assert entry.is_confirmed and entry.confirmed_by == admin


# --- the pages ------------------------------------------------------------------------------------


def test_the_administrator_edits_a_year_on_its_page(cast: Cast, admin: User) -> None:
    plan = _plan_for(cast, 2027)
    periods_generate(plan=plan)
    client = _client("quantri")
    years = client.get(reverse("reporting:holiday-years"))
    assert years.status_code == 200
    assert 'data-year="2027"' in years.content.decode()
    assert client.get(reverse("reporting:holiday-years"), {"year": "2027"})["Location"].endswith(
        "/reporting/holidays/2027/"
    )
    url = reverse("reporting:holiday-year", args=[2027])
    page = client.get(url).content.decode()
    assert "Chưa xác nhận" in page and "06/02/2027" in page

    answer = client.post(
        url, {"action": "add", "day": "15/2/2027", "name": "Nghỉ hoán đổi", "kind": "swapped"}, follow=True
    )
    assert "Đã thêm ngày nghỉ 15/02/2027" in answer.content.decode()
    assert "Hạn gửi của 1 kỳ báo cáo" in answer.content.decode()
    assert Holiday.objects.get(day=D(2027, 2, 15)).kind == HolidayKind.SWAPPED

    answer = client.post(
        url, {"action": "workday", "day": "20/2/2027", "name": "Làm bù cho 15/2"}, follow=True
    )
    assert MakeUpWorkday.objects.filter(day=D(2027, 2, 20)).exists()
    answer = client.post(url, {"action": "workday", "day": "22/2/2027", "name": "Làm bù"}, follow=True)
    assert "không phải thứ Bảy" in answer.content.decode()

    bad = client.post(url, {"action": "add", "day": "31/2/2027", "name": "Nghỉ", "kind": "holiday"})
    assert bad.status_code == 200 and "không phải là ngày hợp lệ" in bad.content.decode()

    client.post(url, {"action": "confirm", "source": "Thông báo 99/TB-BNV"})
    assert HolidayYear.objects.get(year=2027).source == "Thông báo 99/TB-BNV"
    removed = client.post(
        url, {"action": "remove", "pk": Holiday.objects.get(day=D(2027, 2, 15)).pk}, follow=True
    )
    assert "Đã xóa ngày nghỉ 15/02/2027" in removed.content.decode()
    # A day of another year is not removed through this year's page.
    other = Holiday.objects.get(day=D(2024, 1, 1))
    assert client.post(url, {"action": "remove", "pk": other.pk}).status_code == 404
    assert client.post(url, {"action": "remove", "pk": "x"}).status_code == 404


def test_opening_a_year_fills_it_with_the_baseline(admin: User) -> None:
    assert _client("quantri").get(reverse("reporting:holiday-year", args=[2031])).status_code == 200
    assert not HolidayYear.objects.get(year=2031).is_confirmed
    assert Holiday.objects.filter(day__year=2031).exists()


@pytest.mark.parametrize(
    "role", ["director", "deputy", "planning_finance", "unit_staff", "reviewer", "outsider"]
)
def test_everyone_else_gets_404_and_changes_nothing(cast: Cast, role: str) -> None:
    client = _client(getattr(cast, role).username)
    assert client.get(reverse("reporting:holiday-years")).status_code == 404
    url = reverse("reporting:holiday-year", args=[2027])
    assert client.get(url).status_code == 404
    answer = client.post(url, {"action": "add", "day": "15/2/2027", "name": "Nghỉ", "kind": "holiday"})
    assert answer.status_code == 404
    assert client.post(url, {"action": "confirm", "source": "Thông báo"}).status_code == 404
    assert not HolidayYear.objects.filter(year=2027).exists()


def test_an_anonymous_visitor_is_sent_to_log_in() -> None:
    answer = Client().get(reverse("reporting:holiday-year", args=[2027]))
    assert answer.status_code == 302 and "/login/" in answer["Location"]


def test_a_year_outside_the_table_is_404_on_the_page(admin: User) -> None:
    assert _client("quantri").get(reverse("reporting:holiday-year", args=[2101])).status_code == 404


# --- the warnings ---------------------------------------------------------------------------------


def test_a_2027_plan_warns_and_a_2024_plan_does_not(cast: Cast, admin: User) -> None:
    late, early = _plan_for(cast, 2027), _plan_for(cast, 2024)
    periods_generate(plan=late)
    periods_generate(plan=early)
    assert plan_holiday_warning(late) == [2027]
    assert plan_holiday_warning(early) == []
    link = reverse("reporting:holiday-year", args=[2027])
    for url in (
        reverse("plans:plan-detail", args=[late.pk]),
        reverse("reporting:period-list", args=[late.pk]),
    ):
        as_admin = _client("quantri").get(url).content.decode()
        assert 'data-testid="holiday-warning"' in as_admin and link in as_admin
        as_planning = _client(cast.planning_finance.username).get(url).content.decode()
        assert 'data-testid="holiday-warning"' in as_planning and link not in as_planning
    for url in (
        reverse("plans:plan-detail", args=[early.pk]),
        reverse("reporting:period-list", args=[early.pk]),
    ):
        assert 'data-testid="holiday-warning"' not in _client("quantri").get(url).content.decode()
    holiday_year_confirm(user=admin, year=2027, source="Thông báo 1/TB-BNV")
    assert plan_holiday_warning(late) == []


def test_the_warning_counts_the_year_a_send_by_date_falls_in(cast: Cast) -> None:
    plan = _plan_for(cast, 2026, ["yearly"])
    periods_generate(plan=plan, due_working_days=30)  # cut-off 14/12/2026, due in January 2027
    assert plan.periods.get().due_on.year == 2027
    assert plan_holiday_warning(plan) == [2027]


def test_the_warning_costs_two_queries(cast: Cast, django_assert_num_queries: DjangoAssertNumQueries) -> None:
    plan = _plan_for(cast, 2027)
    periods_generate(plan=plan)
    # One for the periods' span of dates, one for the confirmed years among them.
    with django_assert_num_queries(2):
        plan_holiday_warning(plan)


# --- the console ----------------------------------------------------------------------------------


def test_the_console_prints_a_year_and_confirms_it() -> None:
    out = StringIO()
    call_command("holidays", "2027", stdout=out)
    text = out.getvalue()
    assert "CHƯA xác nhận" in text and "06/02/2027 T7  nghỉ  Tết Nguyên đán (mùng 1)" in text
    out = StringIO()
    call_command("holidays", "2024", stdout=out)
    assert "04/05/2024 T7  LÀM" in out.getvalue()
    out = StringIO()
    call_command("holidays", "2027", "--confirm", "Thông báo 7/TB-BNV", stdout=out)
    assert "đã xác nhận theo Thông báo 7/TB-BNV" in out.getvalue()
    assert HolidayYear.objects.get(year=2027).confirmed_by is None


# --- the Django admin -----------------------------------------------------------------------------


def test_a_day_added_in_the_django_admin_moves_send_by_dates_too(cast: Cast, admin: User) -> None:
    plan = _plan_for(cast, 2027)
    periods_generate(plan=plan)
    client = _client("quantri")
    answer = client.post(
        reverse("admin:reporting_holiday_add"),
        {"day": "15/02/2027", "name": "Nghỉ hoán đổi", "kind": "swapped"},
    )
    assert answer.status_code == 302, answer.content.decode()[:2000]
    assert plan.periods.get(key="2027-02").due_on == D(2027, 2, 17)


def test_staff_allowed_to_change_holidays_only_read_them_in_the_admin(cast: Cast) -> None:
    from django.contrib.auth.models import Permission

    user = cast.planning_finance
    user.is_staff = True
    user.save(update_fields=["is_staff"])
    user.user_permissions.add(*Permission.objects.filter(codename__in=["add_holiday", "change_holiday"]))
    client = _client(user.username)
    assert client.get(reverse("admin:reporting_holiday_changelist")).status_code == 200
    assert client.get(reverse("admin:reporting_holiday_add")).status_code == 403
    answer = client.post(
        reverse("admin:reporting_holiday_add"), {"day": "15/02/2027", "name": "Nghỉ", "kind": "holiday"}
    )
    assert answer.status_code == 403
    assert not Holiday.objects.filter(day=D(2027, 2, 15)).exists()
