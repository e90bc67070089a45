"""`nhiemvu holidays YEAR [--confirm "Thông báo …"]`: a year's days off and make-up working days.

A year the table lacks is filled with the law's baseline (unconfirmed) first, as the holiday page
does. `--confirm` records that the year was checked against the Government's announcement; the
console is the server's operator, so no account is named.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from nhiemvu.core.errors import DomainError
from nhiemvu.lib import vnholidays
from nhiemvu.reporting.selectors import holiday_year_detail
from nhiemvu.reporting.services import holiday_year_confirm, holiday_year_ensure

WEEKDAYS = ("T2", "T3", "T4", "T5", "T6", "T7", "CN")


class Command(BaseCommand):
    help = "Lịch nghỉ lễ, Tết của một năm / A year's public holidays: list, confirm."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--confirm", metavar="SOURCE", help='the announcement checked, e.g. "Thông báo 6150/TB-LĐTBXH"'
        )

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not vnholidays.FIRST_YEAR <= year <= vnholidays.LAST_YEAR:
            raise CommandError(
                f"Chỉ tính được các năm {vnholidays.FIRST_YEAR}–{vnholidays.LAST_YEAR} / years "
                f"{vnholidays.FIRST_YEAR}–{vnholidays.LAST_YEAR} only."
            )
        try:
            holiday_year_ensure(year=year)
            if options["confirm"]:
                holiday_year_confirm(user=None, year=year, source=options["confirm"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        detail = holiday_year_detail(year)
        entry = detail.entry
        if entry is not None and entry.is_confirmed:
            self.stdout.write(f"Năm {year}: đã xác nhận theo {entry.source}")
        else:
            self.stdout.write(f"Năm {year}: CHƯA xác nhận (tính theo Bộ luật Lao động)")
        for row in detail.rows:
            if row.holiday is not None:
                text = f"nghỉ  {row.holiday.name} [{row.holiday.get_kind_display()}]"
            elif row.workday is not None:
                text = f"LÀM   {row.workday.name}"
            elif row.is_weekend:
                continue
            else:
                text = f"làm   (luật: {row.computed})"
            weekday = WEEKDAYS[row.day.weekday()]
            self.stdout.write(f"{row.day:%d/%m/%Y} {weekday:<3} {text}")
