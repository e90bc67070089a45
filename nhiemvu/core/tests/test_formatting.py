from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import translation

from nhiemvu.core.templatetags.nv import format_number, target_value
from nhiemvu.plans.models import Target

VIETNAMESE = [
    (Decimal("9000.0000"), "9.000"),
    (Decimal("64.2000"), "64,2"),
    (Decimal("1000.5"), "1.000,5"),
    (Decimal("106000"), "106.000"),
    (5, "5"),
    (None, ""),
]


@pytest.mark.parametrize(("value", "expected"), VIETNAMESE)
def test_numbers_are_written_the_vietnamese_way(value: object, expected: str) -> None:
    with translation.override("vi"):
        assert format_number(value) == expected


def test_numbers_are_written_the_english_way_in_english() -> None:
    with translation.override("en"):
        assert format_number(Decimal("1000.5")) == "1,000.5"


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (Target(comparator=">=", value=Decimal("64.2"), unit="%"), "≥ 64,2 %"),
        (Target(comparator=">", value=Decimal("1000"), unit="ha"), "> 1.000 ha"),
        (
            Target(comparator="range", value=Decimal(5), max_value=Decimal(7), unit="doanh nghiệp"),
            "5–7 doanh nghiệp",
        ),
        (Target(comparator=">=", value=Decimal(40), unit="%", change="decrease"), "giảm ≥ 40 %"),
    ],
)
def test_targets_read_with_their_comparator(target: Target, expected: str) -> None:
    with translation.override("vi"):
        assert target_value(target) == expected


def test_dates_are_day_first_with_leading_zeros() -> None:
    import datetime as dt

    from django.utils import formats

    with translation.override("vi"):
        assert formats.date_format(dt.date(2024, 1, 5), "SHORT_DATE_FORMAT") == "05/01/2024"


def test_date_fields_show_and_read_day_first_whatever_the_browser_locale() -> None:
    import datetime as dt

    from django import forms

    from nhiemvu.core.forms import DayFirstDateInput

    html = DayFirstDateInput().render("due", dt.date(2024, 1, 5))
    assert 'value="05/01/2024"' in html and 'type="text"' in html

    class DueForm(forms.Form):
        due = forms.DateField(widget=DayFirstDateInput())

    with translation.override("vi"):
        form = DueForm({"due": "05/01/2024"})
        assert form.is_valid() and form.cleaned_data["due"] == dt.date(2024, 1, 5)
