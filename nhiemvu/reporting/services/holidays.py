"""The holiday table: a year's computed baseline, the Government's announcement kept by the
administrator, and the send-by dates that follow it.

Holidays are national: only superusers (the system's administrators) change them. Planning-Finance
of an agency and the province's reviewers read the warning but do not edit the days; the province
does not decide the civil servants' days off, the Government does.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from nhiemvu.lib import vnholidays
from nhiemvu.lib.vnperiods import add_working_days

from ..errors import NotAllowedError, ReportingError
from ..models import Holiday, HolidayKind, HolidayYear, MakeUpWorkday, ReportingCalendar, ReportingPeriod
from ..selectors import WorkingCalendar, working_calendar
from ._common import full_save

DEFAULT_DUE_WORKING_DAYS = 2  # ReportingCalendar's default, for periods of a plan without one
# A day off moves only send-by dates counted across it: at most 30 working days (the calendar's
# limit) after a cut-off, six weeks plus the longest break (Tết, nine days) and its make-up days.
REACH = dt.timedelta(days=70)


def _check_admin(user: User) -> None:
    if not user.is_superuser:
        raise NotAllowedError(
            "Chỉ quản trị hệ thống được sửa lịch nghỉ lễ, Tết theo thông báo của Chính phủ.",
            message_en="Only administrators change the public holidays.",
        )


def _check_year(year: int) -> None:
    if not vnholidays.FIRST_YEAR <= year <= vnholidays.LAST_YEAR:
        raise ReportingError(
            f"Chỉ tính được ngày nghỉ lễ, Tết cho các năm {vnholidays.FIRST_YEAR}–{vnholidays.LAST_YEAR}.",
            message_en=f"Holidays are known for {vnholidays.FIRST_YEAR}–{vnholidays.LAST_YEAR} only.",
        )


@transaction.atomic
def periods_redate(
    *, before: WorkingCalendar, first: dt.date, last: dt.date, today: dt.date | None = None
) -> int:
    """Move the send-by dates of open periods that followed the holiday table as it was `before`,
    when the table changed between `first` and `last`.

    Open means not locked and not yet due. A date Planning-Finance set by hand (one that differs
    from the calendar's count under the old table) stays where it is. Returns how many moved.
    """
    today = today or timezone.localdate()
    after = working_calendar()
    if after == before:
        return 0
    counts = dict(ReportingCalendar.objects.values_list("plan_id", "due_working_days"))
    moved = 0
    periods = ReportingPeriod.objects.select_for_update().filter(
        locked_at__isnull=True, due_on__gte=today, ends_on__gte=first - REACH, ends_on__lte=last
    )
    for period in periods.order_by("pk"):
        count = counts.get(period.plan_id, DEFAULT_DUE_WORKING_DAYS)
        old = add_working_days(period.ends_on, count, before.holidays, before.workdays)
        new = add_working_days(period.ends_on, count, after.holidays, after.workdays)
        if period.due_on == old and new != old:
            period.due_on = new
            full_save(period, fields=["due_on"])
            moved += 1
    return moved


@transaction.atomic
def holiday_year_ensure(*, year: int, redate: bool = True) -> HolidayYear | None:
    """The year's row, created with the law's baseline (unconfirmed) if the year has none yet.

    Days already stored for the year are kept; the baseline fills the others. None for a year the
    lunar table does not cover. Open periods are re-dated unless `redate` is False (the caller
    dates them itself).
    """
    if not vnholidays.FIRST_YEAR <= year <= vnholidays.LAST_YEAR:
        return None
    entry = HolidayYear.objects.filter(year=year).first()
    if entry is not None:
        return entry
    before = working_calendar() if redate else None
    entry, created = HolidayYear.objects.get_or_create(year=year)
    if not created:
        return entry
    taken = set(Holiday.objects.filter(day__year=year).values_list("day", flat=True))
    taken |= set(MakeUpWorkday.objects.filter(day__year=year).values_list("day", flat=True))
    Holiday.objects.bulk_create(
        [
            Holiday(day=d.day, name=d.name, kind=d.kind)
            for d in vnholidays.statutory_holidays(year)
            if d.day not in taken
        ]
    )
    if before is not None:
        periods_redate(before=before, first=dt.date(year, 1, 1), last=dt.date(year, 12, 31))
    return entry


@transaction.atomic
def holiday_add(*, user: User, day: dt.date, name: str, kind: str = HolidayKind.HOLIDAY) -> int:
    """Add a day off to the table; returns how many open periods' send-by dates moved."""
    _check_admin(user)
    _check_year(day.year)
    holiday_year_ensure(year=day.year)
    before = working_calendar()
    if day in before.workdays:
        raise ReportingError(
            f"Ngày {day:%d/%m/%Y} đang là ngày làm việc bù: xóa ngày làm việc bù trước.",
            message_en=f"{day:%d/%m/%Y} is a make-up working day: remove it first.",
        )
    if day in before.holidays:
        raise ReportingError(
            f"Ngày {day:%d/%m/%Y} đã là ngày nghỉ.", message_en=f"{day:%d/%m/%Y} is already a day off."
        )
    full_save(Holiday(day=day, name=name.strip(), kind=kind))
    return periods_redate(before=before, first=day, last=day)


@transaction.atomic
def holiday_remove(*, user: User, holiday: Holiday) -> int:
    """Take a day off out of the table (the announcement kept it a working day)."""
    _check_admin(user)
    before = working_calendar()
    Holiday.objects.filter(pk=holiday.pk).delete()
    return periods_redate(before=before, first=holiday.day, last=holiday.day)


@transaction.atomic
def workday_add(*, user: User, day: dt.date, name: str) -> int:
    """Make a weekend day a working day (a swap the announcement made); returns how many periods moved."""
    _check_admin(user)
    _check_year(day.year)
    if day.weekday() < 5:
        raise ReportingError(
            f"Ngày {day:%d/%m/%Y} không phải thứ Bảy hay Chủ nhật: ngày làm việc bù là một ngày nghỉ cuối tuần.",
            message_en=f"{day:%d/%m/%Y} is not a Saturday or a Sunday.",
        )
    holiday_year_ensure(year=day.year)
    before = working_calendar()
    if day in before.holidays:
        raise ReportingError(
            f"Ngày {day:%d/%m/%Y} đang là ngày nghỉ lễ: xóa ngày nghỉ trước.",
            message_en=f"{day:%d/%m/%Y} is a day off: remove it first.",
        )
    if day in before.workdays:
        raise ReportingError(
            f"Ngày {day:%d/%m/%Y} đã là ngày làm việc bù.",
            message_en=f"{day:%d/%m/%Y} is already a make-up working day.",
        )
    full_save(MakeUpWorkday(day=day, name=name.strip()))
    return periods_redate(before=before, first=day, last=day)


@transaction.atomic
def workday_remove(*, user: User, workday: MakeUpWorkday) -> int:
    _check_admin(user)
    before = working_calendar()
    MakeUpWorkday.objects.filter(pk=workday.pk).delete()
    return periods_redate(before=before, first=workday.day, last=workday.day)


@transaction.atomic
def holiday_year_confirm(*, user: User | None, year: int, source: str) -> HolidayYear:
    """Record that the year's days were checked against the Government's announcement `source`.

    `user` is None from the console (`nhiemvu holidays YEAR --confirm`), run by whoever holds the server.
    """
    if user is not None:
        _check_admin(user)
    _check_year(year)
    holiday_year_ensure(year=year)
    entry = HolidayYear.objects.select_for_update().get(year=year)
    entry.source = source.strip()
    entry.confirmed_at = timezone.now()
    entry.confirmed_by = user
    full_save(entry)
    return entry
