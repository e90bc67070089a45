"""The years 2023–2026 of the holiday table were entered from the Government's announcements:
mark them confirmed, say which stored days are compensatory or swapped, and add the Saturdays
worked in exchange (4/5/2024 for Monday 29/4; 26/4/2025 for Friday 2/5)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone

COMPENSATORY = [
    "2023-01-02", "2023-01-20", "2023-01-26", "2023-05-02", "2023-05-03", "2023-09-04",
    "2024-02-08", "2024-02-14", "2025-01-27", "2026-04-27",
]  # fmt: skip
SWAPPED = ["2024-04-29", "2025-05-02"]
WORKDAYS = [
    ("2024-05-04", "Làm việc bù cho thứ Hai 29/4/2024 (Công văn 2450/VPCP-KGVX)"),
    ("2025-04-26", "Làm việc bù cho thứ Sáu 02/5/2025 (Thông báo 6150/TB-LĐTBXH)"),
]
SOURCES = {
    2023: "Lịch nghỉ lễ, Tết năm 2023 của Bộ LĐTBXH (bảng có sẵn của nhiemvu)",
    2024: "Thông báo 5015/TB-LĐTBXH ngày 22/11/2023; Công văn 2450/VPCP-KGVX ngày 12/4/2024",
    2025: "Thông báo 6150/TB-LĐTBXH năm 2024 (Công văn 8726/VPCP-KGVX)",
    2026: "Lịch nghỉ Tết Âm lịch, Quốc khánh năm 2026 của Bộ Nội vụ (Thủ tướng đồng ý)",
}


def _days(values):
    return [dt.date.fromisoformat(v) for v in values]


def confirm(apps, schema_editor):
    Holiday = apps.get_model("reporting", "Holiday")
    HolidayYear = apps.get_model("reporting", "HolidayYear")
    MakeUpWorkday = apps.get_model("reporting", "MakeUpWorkday")
    Holiday.objects.filter(day__in=_days(COMPENSATORY)).update(kind="compensatory")
    Holiday.objects.filter(day__in=_days(SWAPPED)).update(kind="swapped")
    for day, name in WORKDAYS:
        MakeUpWorkday.objects.get_or_create(day=dt.date.fromisoformat(day), defaults={"name": name})
    now = timezone.now()
    for year, source in SOURCES.items():
        HolidayYear.objects.update_or_create(year=year, defaults={"confirmed_at": now, "source": source})


def unconfirm(apps, schema_editor):
    apps.get_model("reporting", "HolidayYear").objects.filter(year__in=list(SOURCES)).delete()
    apps.get_model("reporting", "MakeUpWorkday").objects.filter(
        day__in=_days(day for day, _ in WORKDAYS)
    ).delete()
    apps.get_model("reporting", "Holiday").objects.filter(day__in=_days(COMPENSATORY + SWAPPED)).update(
        kind="holiday"
    )


class Migration(migrations.Migration):
    dependencies = [("reporting", "0004_holiday_years_and_make_up_workdays")]
    operations = [migrations.RunPython(confirm, unconfirm)]
