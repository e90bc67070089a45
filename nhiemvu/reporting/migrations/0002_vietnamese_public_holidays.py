"""Vietnamese public holidays 2023–2026 (Labour Code 2019, art. 112, and the Government's yearly
announcements of Tết and compensatory days). Lunar holidays move every year: administrators
add later years and check these in the admin (Ngày nghỉ lễ, Tết)."""

import datetime as dt

from django.db import migrations


def _span(first: str, last: str, name: str) -> list[tuple[dt.date, str]]:
    start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
    return [(start + dt.timedelta(days=i), name) for i in range((end - start).days + 1)]


HOLIDAYS = [
    *_span("2023-01-02", "2023-01-02", "Tết Dương lịch (nghỉ bù)"),
    *_span("2023-01-20", "2023-01-26", "Tết Nguyên đán Quý Mão"),
    *_span("2023-04-29", "2023-05-03", "Giỗ Tổ Hùng Vương, 30/4, 1/5 (và nghỉ bù)"),
    *_span("2023-09-01", "2023-09-04", "Quốc khánh (và nghỉ bù)"),
    *_span("2024-01-01", "2024-01-01", "Tết Dương lịch"),
    *_span("2024-02-08", "2024-02-14", "Tết Nguyên đán Giáp Thìn"),
    *_span("2024-04-18", "2024-04-18", "Giỗ Tổ Hùng Vương"),
    *_span("2024-04-29", "2024-05-01", "30/4, 1/5 (và ngày hoán đổi)"),
    *_span("2024-09-02", "2024-09-03", "Quốc khánh"),
    *_span("2025-01-01", "2025-01-01", "Tết Dương lịch"),
    *_span("2025-01-25", "2025-02-02", "Tết Nguyên đán Ất Tỵ"),
    *_span("2025-04-07", "2025-04-07", "Giỗ Tổ Hùng Vương"),
    *_span("2025-04-30", "2025-05-02", "30/4, 1/5 (và ngày hoán đổi)"),
    *_span("2025-09-01", "2025-09-02", "Quốc khánh"),
    *_span("2026-01-01", "2026-01-01", "Tết Dương lịch"),
    *_span("2026-02-14", "2026-02-22", "Tết Nguyên đán Bính Ngọ"),
    *_span("2026-04-27", "2026-04-27", "Giỗ Tổ Hùng Vương (nghỉ bù)"),
    *_span("2026-04-30", "2026-05-01", "30/4, 1/5"),
    *_span("2026-09-01", "2026-09-02", "Quốc khánh"),
]


def add_holidays(apps, schema_editor):
    Holiday = apps.get_model("reporting", "Holiday")
    for day, name in HOLIDAYS:
        Holiday.objects.get_or_create(day=day, defaults={"name": name})


def remove_holidays(apps, schema_editor):
    Holiday = apps.get_model("reporting", "Holiday")
    Holiday.objects.filter(day__in=[day for day, _ in HOLIDAYS]).delete()


class Migration(migrations.Migration):
    dependencies = [("reporting", "0001_initial")]
    operations = [migrations.RunPython(add_holidays, remove_holidays)]
