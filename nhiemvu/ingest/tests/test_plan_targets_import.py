"""The plan's own targets from the review screen to the database and back out (issue 15, item 10):
shown for review, edited as a Vietnamese officer types numbers, added by hand on the spare row,
stored as PlanTargets with their lead unit, shown on the plan page and exported."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.api.export import plan_export
from nhiemvu.ingest.models import ImportSession
from nhiemvu.ingest.parsing.tests.test_plan_targets import ANNEX, HEAD, PURPOSE, TASKS
from nhiemvu.plans.models import Plan, PlanTarget
from nhiemvu.testing import Cast, review_form_data


def _plan_rows(data: dict) -> list[int]:
    return sorted({int(k.split("-")[1]) for k, v in data.items() if k.endswith("-task_code") and v == "*"})


@pytest.mark.django_db
def test_plan_targets_are_reviewed_edited_added_and_stored(client: Client, cast: Cast) -> None:
    client.force_login(cast.planning_finance)
    client.post(
        reverse("ingest:upload"),
        {
            "file": SimpleUploadedFile("ke-hoach.md", (HEAD + PURPOSE + TASKS + ANNEX).encode()),
            "issuer": cast.department.pk,
        },
    )
    session = ImportSession.objects.get()
    html = client.get(reverse("ingest:review", args=[session.pk])).content.decode()
    assert "Chỉ tiêu chung của kế hoạch (6)" in html
    data = review_form_data(html)
    rows = _plan_rows(data)
    assert len(rows) == 7, "six found and the spare one"
    first, spare = rows[0], rows[-1]
    assert data[f"target-{first}-value"] == "3.500.000"
    # The officer corrects a figure and adds one on the spare row, typed the Vietnamese way.
    data[f"target-{first}-value"] = "3.650.000"
    data.update(
        {
            f"target-{spare}-name": "Diện tích rừng trồng mới",
            f"target-{spare}-unit": "ha",
            f"target-{spare}-comparator": ">=",
            f"target-{spare}-value": "8.650,5",
            f"target-{spare}-lead_unit": "Chi cục Kiểm lâm",
            "action": "recheck",
        }
    )
    rechecked = client.post(reverse("ingest:confirm", args=[session.pk]), data, follow=True).content.decode()
    again = review_form_data(rechecked)
    values = [again[f"target-{i}-value"] for i in _plan_rows(again)]
    assert values[0] == "3.650.000" and "8.650,5" in values, values
    assert "Chỉ tiêu chung của kế hoạch (7)" in rechecked

    again["mode"] = "create"
    client.post(reverse("ingest:confirm", args=[session.pk]), again)
    plan = Plan.objects.get()
    stored = list(plan.plan_targets.order_by("order"))
    assert [(t.name, t.value, t.unit) for t in stored][:1] == [
        ("lượt khách du lịch", Decimal("3650000"), "lượt khách")
    ]
    added = plan.plan_targets.get(name="Diện tích rừng trồng mới")
    assert added.lead_unit is not None and added.lead_unit.name == "Chi cục Kiểm lâm"
    assert (added.value, added.comparator) == (Decimal("8650.5"), ">=")
    ranged = plan.plan_targets.get(name="Số điểm du lịch cộng đồng")
    assert ranged.lead_unit is not None and ranged.lead_unit.name == "UBND các huyện"
    assert (ranged.value, ranged.max_value) == (Decimal(8), Decimal(10))

    page = client.get(reverse("plans:plan-detail", args=[plan.pk])).content.decode()
    assert page.count('data-testid="plan-target"') == 7
    assert "≥ 8.650,5 ha" in page and "8–10 điểm" in page

    exported = plan_export(plan)["targets"]
    assert len(exported) == 7
    assert {
        "name": "Diện tích rừng trồng mới",
        "unit": "ha",
        "comparator": ">=",
        "value": 8650.5,
        "max": None,
        "change": None,
        "lead_unit": "Chi cục Kiểm lâm",
    } in exported


@pytest.mark.django_db
def test_a_plan_target_without_a_value_is_refused_on_review_and_nothing_is_written(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.planning_finance)
    client.post(
        reverse("ingest:upload"),
        {"file": SimpleUploadedFile("ke-hoach.txt", (HEAD + TASKS).encode()), "issuer": cast.department.pk},
    )
    session = ImportSession.objects.get()
    data = review_form_data(client.get(reverse("ingest:review", args=[session.pk])).content.decode())
    (spare,) = _plan_rows(data)
    data.update({f"target-{spare}-name": "Tỷ lệ che phủ rừng", "mode": "create"})
    refused = client.post(reverse("ingest:confirm", args=[session.pk]), data).content.decode()
    assert "Chỉ tiêu cần có giá trị." in refused
    assert not Plan.objects.exists() and not PlanTarget.objects.exists()
