"""The reporting calendar: generating a plan's periods, their send-by dates, locking them."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from nhiemvu.lib.vnperiods import add_working_days, windows_for_year
from nhiemvu.organisations.selectors import access_scope
from nhiemvu.plans.models import Frequency, Plan

from .. import access
from ..errors import NotAllowedError
from ..models import ReportingCalendar, ReportingPeriod
from ..selectors import FREQUENCY_ORDER, working_calendar
from ._common import full_save
from .holidays import holiday_year_ensure


@transaction.atomic
def periods_generate(*, plan: Plan, due_working_days: int | None = None) -> list[ReportingPeriod]:
    """Create the plan's periods for each of its frequencies (Decree 09/2019 cut-offs); idempotent.

    Send-by dates are N working days after each cut-off, skipping weekends and the holiday table
    and counting its make-up working Saturdays. A plan year the table does not hold yet gets the
    law's baseline, unconfirmed (the plan page warns until an administrator confirms it).
    Existing periods keep their dates unless `due_working_days` is given, which re-dates them.
    """
    calendar, _ = ReportingCalendar.objects.get_or_create(plan=plan)
    if due_working_days is not None and due_working_days != calendar.due_working_days:
        calendar.due_working_days = due_working_days
        full_save(calendar)
    holiday_year_ensure(year=plan.year)
    days = working_calendar()
    frequencies = [f for f in FREQUENCY_ORDER if f in (plan.reporting_frequencies or [])] or [
        Frequency.QUARTERLY
    ]
    existing = {p.key: p for p in plan.periods.all()}
    result = []
    for frequency in frequencies:
        for window in windows_for_year(frequency, plan.year):
            due_on = add_working_days(window.ends_on, calendar.due_working_days, days.holidays, days.workdays)
            period = existing.get(window.key)
            if period is None:
                period = ReportingPeriod(
                    plan=plan,
                    frequency=frequency,
                    key=window.key,
                    label=window.label,
                    starts_on=window.starts_on,
                    ends_on=window.ends_on,
                    due_on=due_on,
                )
                full_save(period)
            elif due_working_days is not None and period.due_on != due_on:
                period.due_on = due_on
                full_save(period)
            result.append(period)
    return result


@transaction.atomic
def period_lock(*, period: ReportingPeriod, user: User) -> ReportingPeriod:
    if not access.may_manage_periods(access_scope(user), period.plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được khóa kỳ báo cáo.", message_en="Not allowed."
        )
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.locked_at is None:
        period.locked_at = timezone.now()
        period.locked_by = user
        period.save(update_fields=["locked_at", "locked_by", "updated_at"])
    return period


@transaction.atomic
def period_set_due(*, period: ReportingPeriod, due_on: dt.date, user: User) -> ReportingPeriod:
    """Planning-Finance moves one period's send-by date (the province may set its own date)."""
    if not access.may_manage_periods(access_scope(user), period.plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được đổi hạn gửi báo cáo.", message_en="Not allowed."
        )
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    if period.due_on != due_on:
        period.due_on = due_on
        full_save(period)
    return period


@transaction.atomic
def period_unlock(*, period: ReportingPeriod, user: User) -> ReportingPeriod:
    if not access.may_manage_periods(access_scope(user), period.plan.issuer_id):
        raise NotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính được mở khóa kỳ báo cáo.", message_en="Not allowed."
        )
    period = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
    period.locked_at = None
    period.locked_by = None
    period.save(update_fields=["locked_at", "locked_by", "updated_at"])
    return period
