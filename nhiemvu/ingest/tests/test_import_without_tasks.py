"""A document with no numbered task (issue 15, item 11): the import still reads it, the review says
so and offers a row to add tasks by hand; confirming without any is refused; the console exits 3."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.ingest.models import ImportSession
from nhiemvu.plans.models import Plan
from nhiemvu.testing import Cast, review_form_data

DOCUMENT = """UBND TỈNH THỬ NGHIỆM
SỞ NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN
Số: 05/KH-SNN
Thử Nghiệm, ngày 05 tháng 01 năm 2024
KẾ HOẠCH
Triển khai Quyết định số 58/QĐ-UBND ngày 10/01/2024 của UBND tỉnh
Sở giao các phòng, đơn vị căn cứ chức năng, nhiệm vụ tổ chức thực hiện.
Nơi nhận:
- UBND tỉnh;
- Lưu: VT.
"""


@pytest.mark.django_db
def test_the_review_says_there_are_no_tasks_and_a_task_added_by_hand_is_imported(
    client: Client, cast: Cast
) -> None:
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("ingest:upload"),
        {"file": SimpleUploadedFile("ke-hoach.txt", DOCUMENT.encode()), "issuer": cast.department.pk},
    )
    session = ImportSession.objects.get()
    assert response["Location"] == reverse("ingest:review", args=[session.pk])
    html = client.get(response["Location"]).content.decode()
    assert "Không tìm thấy nhiệm vụ nào được đánh số trong văn bản" in html
    assert 'data-testid="review-spare-task"' in html

    data = review_form_data(html)
    data["mode"] = "create"
    refused = client.post(reverse("ingest:confirm", args=[session.pk]), data)
    assert "Kế hoạch chưa có nhiệm vụ nào để theo dõi" in refused.content.decode()
    assert not Plan.objects.exists()

    data.update(
        {
            "task-0-title": "Tổ chức thực hiện Quyết định số 58/QĐ-UBND",
            "task-0-lead_unit": "Chi cục Kiểm lâm",
            "task-0-deadline": "30/6/2024",
            "action": "recheck",
        }
    )
    rechecked = client.post(reverse("ingest:confirm", args=[session.pk]), data, follow=True).content.decode()
    assert 'data-testid="review-task-1"' in rechecked and "Không tìm thấy nhiệm vụ nào" not in rechecked
    assert 'data-testid="review-spare-task"' in rechecked, "another row to add the next one"

    final = review_form_data(rechecked)
    final["mode"] = "create"
    client.post(reverse("ingest:confirm", args=[session.pk]), final)
    task = Plan.objects.get().tasks.get()
    assert (task.code, task.lead_unit.name if task.lead_unit else None, task.deadline) == (
        "1",
        "Chi cục Kiểm lâm",
        dt.date(2024, 6, 30),
    )


def test_the_console_prints_the_plan_and_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "ke-hoach.txt"
    path.write_text(DOCUMENT, encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "nhiemvu", "extract", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert done.returncode == 3, done.stderr
    assert '"tasks": []' in done.stdout and '"no_tasks"' in done.stdout
    assert "No numbered tasks were found" in done.stderr
