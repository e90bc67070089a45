"""The import review protects the organisation tree from another body's document.

The defect: Quảng Ninh's health plan imported while Lạng Sơn's agriculture department was
chosen gave no warning, and Công an tỉnh, Bảo hiểm xã hội tỉnh, VNPT and "Các bệnh viện" became
units of the agriculture department.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from nhiemvu.ingest.findings import finding_sentence, findings_recheck, issuer_warnings
from nhiemvu.ingest.models import ImportSession
from nhiemvu.organisations.models import Organisation, OrganisationKind
from nhiemvu.organisations.selectors import organisation_descendant_ids, organisation_parent_map
from nhiemvu.plans.models import Plan, Task
from nhiemvu.testing import Cast, form_data, review_form_data

pytestmark = pytest.mark.django_db

FOREIGN = """UBND TỈNH QUẢNG NINH
SỞ Y TẾ

Số: 45/KH-SYT

Quảng Ninh, ngày 10 tháng 02 năm 2024

KẾ HOẠCH

Thực hiện các nhiệm vụ trọng tâm năm 2024 của Sở Y tế

II. NỘI DUNG THỰC HIỆN

1. Nâng tỷ lệ dân số tham gia bảo hiểm y tế đạt 95% trở lên

- Lãnh đạo trực tiếp chỉ đạo: Đồng chí Trần Văn Hải, Phó Giám đốc Sở.
- Đơn vị chủ trì tham mưu thực hiện: Bảo hiểm xã hội tỉnh.
- Đơn vị phối hợp: Công an tỉnh; VNPT Quảng Ninh; Các bệnh viện.
- Thời gian hoàn thành: Tháng 12/2024.

2. Tiêm chủng mở rộng cho 98% trẻ em dưới 1 tuổi

- Lãnh đạo trực tiếp chỉ đạo: Đồng chí Trần Văn Hải, Phó Giám đốc Sở.
- Đơn vị chủ trì tham mưu thực hiện: Phòng Nghiệp vụ Y.
- Thời gian hoàn thành: Tháng 12/2024.

3. Kiểm tra an toàn thực phẩm tại 100% bếp ăn tập thể

- Lãnh đạo trực tiếp chỉ đạo: Đồng chí Trần Văn Hải, Phó Giám đốc Sở.
- Đơn vị chủ trì tham mưu thực hiện: Chi cục An toàn vệ sinh thực phẩm.

4. Đầu tư trang thiết bị cho 20 trạm y tế xã

- Lãnh đạo trực tiếp chỉ đạo: Đồng chí Trần Văn Hải, Phó Giám đốc Sở.
- Đơn vị chủ trì tham mưu thực hiện: Phòng Kế hoạch – Tài chính.
- Thời gian hoàn thành: Tháng 12/2024.

GIÁM ĐỐC
Nguyễn Văn Bình
"""
OUTSIDE = ["Bảo hiểm xã hội tỉnh", "Công an tỉnh", "VNPT Quảng Ninh", "Các bệnh viện"]


@pytest.fixture
def staged(client: Client, cast: Cast) -> ImportSession:
    client.force_login(cast.planning_finance)
    response = client.post(
        reverse("ingest:upload"),
        {"file": SimpleUploadedFile("ke-hoach-so-y-te.txt", FOREIGN.encode()), "issuer": cast.department.pk},
    )
    assert response.status_code == 302
    return ImportSession.objects.get()


def _review(client: Client, session: ImportSession) -> str:
    return client.get(reverse("ingest:review", args=[session.pk])).content.decode()


def _choices(html: str) -> dict[str, str]:
    data = form_data(html)
    names = {k[: -len("-name")]: v for k, v in data.items() if k.startswith("org-") and k.endswith("-name")}
    return {name: data[f"{prefix}-choice"] for prefix, name in names.items()}


def test_the_review_warns_that_the_document_is_another_bodys(client: Client, staged: ImportSession) -> None:
    html = _review(client, staged)
    assert 'data-testid="issuer-warning"' in html
    assert "Văn bản do «Sở Y tế» ban hành, nhưng đang được nhập cho «Sở Nông nghiệp" in html
    assert "Văn bản ghi địa danh «Quảng Ninh»" in html
    assert 'data-testid="confirm-issuer"' in html


def test_the_seed_plan_for_its_own_department_raises_no_warning(cast: Cast, seed_plan_path: Any) -> None:
    from nhiemvu.ingest.parsing import extract_file

    province = cast.department.parent
    assert province is not None
    province.name = "UBND tỉnh Lạng Sơn"
    province.save(update_fields=["name"])
    cast.department.aliases = ["Sở Nông nghiệp và PTNT"]
    cast.department.refresh_from_db(fields=["parent"])
    assert issuer_warnings(extract_file(seed_plan_path), cast.department) == []


def test_names_that_announce_outside_bodies_default_to_partners_not_units(
    client: Client, staged: ImportSession
) -> None:
    choices = _choices(_review(client, staged))
    assert {name: choices[name] for name in OUTSIDE} == dict.fromkeys(OUTSIDE, "external")
    assert choices["Phòng Nghiệp vụ Y"] == "new"
    assert choices["Chi cục An toàn vệ sinh thực phẩm"] == "new"


def test_confirming_without_ticking_the_box_writes_nothing(client: Client, staged: ImportSession) -> None:
    organisations = Organisation.objects.count()
    response = client.post(
        reverse("ingest:confirm", args=[staged.pk]), form_data(_review(client, staged), "review-form")
    )
    assert response.status_code == 200
    assert "hãy kiểm tra và đánh dấu xác nhận" in response.content.decode()
    assert not Plan.objects.exists()
    assert Organisation.objects.count() == organisations


def test_confirmed_outside_bodies_stay_out_of_the_agencys_tree(
    client: Client, cast: Cast, staged: ImportSession
) -> None:
    response = client.post(
        reverse("ingest:confirm", args=[staged.pk]), review_form_data(_review(client, staged))
    )
    assert response.status_code == 302
    under_department = organisation_descendant_ids(cast.department.pk, organisation_parent_map())
    for name in OUTSIDE:
        body = Organisation.objects.get(name=name)
        assert body.kind == OrganisationKind.EXTERNAL
        assert body.pk not in under_department, name
        assert body.parent_id == cast.department.parent_id  # filed at the top of the tree
    nghiep_vu = Organisation.objects.get(name="Phòng Nghiệp vụ Y")
    assert nghiep_vu.parent_id == cast.department.pk  # what the reviewer left as a unit is one
    task = Task.objects.get(code="1")
    assert task.lead_unit is not None
    assert task.lead_unit.name == "Bảo hiểm xã hội tỉnh"  # tasks still name their partners
    assert sorted(u.name for u in task.support_units.all()) == sorted(OUTSIDE[1:])


def test_a_second_import_finds_the_partners_already_recorded(
    client: Client, cast: Cast, staged: ImportSession
) -> None:
    client.post(reverse("ingest:confirm", args=[staged.pk]), review_form_data(_review(client, staged)))
    client.post(
        reverse("ingest:upload"),
        {
            "file": SimpleUploadedFile("ke-hoach-2.txt", FOREIGN.replace("45/KH-SYT", "46/KH-SYT").encode()),
            "issuer": cast.department.pk,
        },
    )
    again = ImportSession.objects.filter(status="pending").get()
    choices = _choices(_review(client, again))
    for name in OUTSIDE:
        assert choices[name] == str(Organisation.objects.get(name=name).pk)


def test_findings_read_as_vietnamese_sentences_and_english_in_english(
    client: Client, staged: ImportSession
) -> None:
    html = _review(client, staged)
    assert "Nhiệm vụ 3 chưa ghi thời hạn hoàn thành, trong khi các nhiệm vụ khác đều có." in html
    assert "missing_deadline</strong>" not in html and "names no" not in html
    with translation.override("en"):
        (finding,) = staged.plan_json["findings"]
        sentence = finding_sentence(finding, staged.plan_json)
    assert sentence == "Task 3 has no deadline, while the other tasks have one."


def test_a_corrected_field_clears_its_finding_on_rechecking(client: Client, staged: ImportSession) -> None:
    data = review_form_data(_review(client, staged))
    task_three = next(
        k[: -len("-code")]
        for k, v in data.items()
        if k.startswith("task-") and k.endswith("-code") and v == "3"
    )
    data[f"{task_three}-deadline"] = "30/11/2024"
    data["action"] = "recheck"
    response = client.post(reverse("ingest:confirm", args=[staged.pk]), data, follow=True)
    html = response.content.decode()
    assert "Đã lưu các chỗ sửa và kiểm tra lại văn bản." in html
    assert "chưa ghi thời hạn hoàn thành" not in html
    assert form_data(html)[f"{task_three}-deadline"] == "30/11/2024"
    staged.refresh_from_db()
    assert staged.plan_json["findings"] == []
    assert not Plan.objects.exists()  # rechecking saves the draft, never the plan


def test_findings_recheck_keeps_what_it_cannot_recompute() -> None:
    plan = {
        "document": {"year": 2024, "symbol": "KH-SYT", "number": None, "issued_on": None},
        "tasks": [{"code": "1", "parent": None, "deadline": "2025-03-31", "lead_unit": "A", "leader": None}],
    }
    old: list[dict[str, Any]] = [
        {"code": "arithmetic_mismatch", "task": "1", "excerpt": "3 + 2 = 6", "message": ""},
        {"code": "arithmetic_mismatch", "task": "9", "excerpt": "gone", "message": ""},
        {"code": "blank_number", "task": None, "excerpt": "Số: /KH-SYT", "message": ""},
    ]
    codes = [(f["code"], f["task"]) for f in findings_recheck(old, plan)]
    assert codes == [("blank_number", None), ("arithmetic_mismatch", "1"), ("deadline_after_plan", "1")]


def test_back_after_confirming_lands_on_the_plan(client: Client, staged: ImportSession) -> None:
    client.post(reverse("ingest:confirm", args=[staged.pk]), review_form_data(_review(client, staged)))
    plan = Plan.objects.get()
    back = client.get(reverse("ingest:review", args=[staged.pk]), follow=True)
    assert back.redirect_chain[-1][0] == reverse("plans:plan-detail", args=[plan.pk])
    assert "Kế hoạch này đã được nhập" in back.content.decode()
