"""The import review shows figures and dates the Vietnamese way and stores exactly what it shows.

A review confirmed untouched must store the extracted figures (`64,2` stays 64.2, `1.000` stays
1000); a figure or date typed by the reviewer (`1.234.567,891`, `30/6/2025`) is stored as meant,
also when the page first comes back with an error elsewhere.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from nhiemvu.ingest.forms import MilestoneForm, TargetForm, _number
from nhiemvu.ingest.models import ImportSession
from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.plans.models import Milestone, Plan, Target, Task
from nhiemvu.testing import Cast, review_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def staged(client: Client, cast: Cast, seed_plan_path: Path) -> ImportSession:
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("ingest:upload"),
        {
            "file": SimpleUploadedFile("ke-hoach.txt", seed_plan_path.read_bytes()),
            "issuer": cast.department.pk,
        },
    )
    assert response.status_code == 302
    return ImportSession.objects.get()


def _review(client: Client, session: ImportSession) -> dict[str, Any]:
    return review_form_data(client.get(reverse("ingest:review", args=[session.pk])).content.decode())


def _confirm(client: Client, session: ImportSession, data: dict[str, Any]) -> Any:
    return client.post(reverse("ingest:confirm", args=[session.pk]), data)


def _targets_shown(data: dict[str, Any]) -> list[tuple[str, str]]:
    rows = sorted(int(m.group(1)) for k in data if (m := re.fullmatch(r"target-(\d+)-name", k)) and data[k])
    return [(data[f"target-{i}-name"], data[f"target-{i}-value"]) for i in rows]


def _first_filled(data: dict[str, Any], prefix: str, field: str) -> str:
    """`target-3`: the first row of a formset that is not the blank spare row."""
    rows = sorted(
        int(m.group(1)) for k in data if (m := re.fullmatch(rf"{prefix}-(\d+)-{field}", k)) and data[k]
    )
    return f"{prefix}-{rows[0]}"


def test_the_review_shows_figures_and_dates_the_vietnamese_way(client: Client, staged: ImportSession) -> None:
    data = _review(client, staged)
    values = [value for _name, value in _targets_shown(data)]
    assert values and all(re.fullmatch(r"\d{1,3}(\.\d{3})*(,\d+)?", v) for v in values), values
    assert "64,2" in values  # the seed's forest cover, `64,2% trở lên`
    dates = [v for k, v in data.items() if k.endswith(("-deadline", "-due", "issued_on")) and v]
    assert dates and all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", d) for d in dates), dates


def test_a_review_confirmed_untouched_stores_the_extracted_figures_and_dates(
    client: Client, staged: ImportSession
) -> None:
    extracted = staged.plan_json
    assert _confirm(client, staged, _review(client, staged)).status_code == 302
    plan = Plan.objects.get()
    expected = sorted(
        Decimal(str(t["value"])) for task in extracted["tasks"] for t in task.get("targets") or []
    )
    assert sorted(Target.objects.filter(task__plan=plan).values_list("value", flat=True)) == expected
    deadlines = sorted(dt.date.fromisoformat(t["deadline"]) for t in extracted["tasks"] if t.get("deadline"))
    stored = sorted(d for d in Task.objects.filter(plan=plan).values_list("deadline", flat=True) if d)
    assert stored == deadlines and deadlines


def test_what_the_reviewer_types_survives_an_error_and_is_stored_as_meant(
    client: Client, staged: ImportSession
) -> None:
    data = _review(client, staged)
    target = _first_filled(data, "target", "name")
    milestone = _first_filled(data, "ms", "text")
    data.update(
        {
            f"{target}-value": "1.234.567,891",
            "task-0-deadline": "30/6/2025",
            f"{milestone}-value": "8.650",
            f"{milestone}-due": "5/1/2025",
            "doc-year": "hai nghìn",  # an error elsewhere: the page comes back
        }
    )
    response = _confirm(client, staged, data)
    assert response.status_code == 200
    shown = review_form_data(response.content.decode())
    for name in (f"{target}-value", "task-0-deadline", f"{milestone}-value", f"{milestone}-due"):
        assert shown[name] == data[name], name
    assert "30/6/2025" in response.content.decode()

    shown["doc-year"] = "2023"
    assert _confirm(client, staged, shown).status_code == 302
    task = Task.objects.get(code=shown["task-0-code"])
    assert task.deadline == dt.date(2025, 6, 30)
    assert Target.objects.filter(value=Decimal("1234567.891")).exists()
    saved = Milestone.objects.get(task__code=shown[f"{milestone}-task_code"], value=Decimal(8650))
    assert saved.due == dt.date(2025, 1, 5)


def test_a_date_that_cannot_be_read_is_refused_in_vietnamese(client: Client, staged: ImportSession) -> None:
    data = {**_review(client, staged), "task-0-deadline": "31/02/2025"}
    response = _confirm(client, staged, data)
    assert response.status_code == 200
    assert "«31/02/2025» không phải là ngày hợp lệ" in response.content.decode()
    assert not Plan.objects.exists()


figures = st.decimals(min_value=0, max_value=Decimal("9999999999"), places=4, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(value=figures, grouped=st.booleans())
def test_a_target_row_reads_what_it_shows_and_shows_what_it_reads(value: Decimal, grouped: bool) -> None:
    """Typed → read → plan JSON → shown → read again: the same figure at every step."""
    typed = format_vn(value) if grouped else format_vn(value).replace(".", "")
    row = {"task_code": "1", "name": "Trồng rừng", "unit": "ha", "comparator": "=", "value": typed}
    form = TargetForm(row)
    assert form.is_valid(), form.errors
    assert form.cleaned_data["value"] == value
    as_json = _number(form.cleaned_data["value"])
    again = TargetForm(initial={**row, "value": as_json})
    assert again["value"].value() == as_json
    shown = again["value"].as_widget()
    assert f'value="{format_vn(value)}"' in shown
    assert TargetForm({**row, "value": format_vn(value)}).is_valid()

    milestone = MilestoneForm({"task_code": "1", "text": "Nghiệm thu", "value": typed, "due": "30/6/2025"})
    assert milestone.is_valid(), milestone.errors
    assert (milestone.cleaned_data["value"], milestone.cleaned_data["due"]) == (value, dt.date(2025, 6, 30))
