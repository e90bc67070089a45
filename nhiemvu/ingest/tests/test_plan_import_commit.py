"""plan_import_commit: from a plan JSON to plans, tasks, targets, milestones, findings and documents."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from nhiemvu.core.errors import DomainError
from nhiemvu.ingest.services import (
    DuplicatePlanError,
    DuplicateTaskCodeError,
    InvalidDateError,
    InvalidTargetError,
    UnknownParentError,
    content_hash,
    plan_import_commit,
)
from nhiemvu.organisations.models import Official, Organisation, OrganisationKind
from nhiemvu.plans.models import Finding, Milestone, Plan, SourceDocument, Target, Task
from nhiemvu.testing import Cast

pytestmark = pytest.mark.django_db

ALL_MODELS = (Plan, Task, Target, Milestone, Finding, SourceDocument)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in ALL_MODELS} | {
        "Organisation": Organisation.objects.count(),
        "Official": Official.objects.count(),
    }


def test_it_creates_exactly_the_seed_plans_rows(cast: Cast, seed_gold: dict[str, Any]) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    assert plan.tasks.count() == 6
    assert Target.objects.filter(task__plan=plan).count() == 9
    assert Milestone.objects.filter(task__plan=plan).count() == 5
    assert plan.findings.count() == 3
    # The plan's own document plus the three it cites.
    assert SourceDocument.objects.count() == 4
    assert plan.year == 2023
    # the document's own title, not the last task's heading
    assert plan.title == seed_gold["document"]["title"]
    assert plan.source_document is not None
    assert plan.source_document.title == seed_gold["document"]["title"]
    assert (plan.starts_on, plan.ends_on) == (dt.date(2023, 1, 1), dt.date(2023, 12, 31))
    assert plan.status == "draft"
    assert plan.created_by == cast.planning_finance
    assert plan.compiler == cast.planning_finance_division
    assert plan.reporting_frequencies == ["monthly", "quarterly"]
    assert plan.signer_name == "Lý Việt Hưng"
    assert "Sở Nội vụ" in plan.recipients
    doc = plan.source_document
    assert (doc.kind, doc.number, doc.symbol, doc.issued_on) == ("KH", "", "KH-SNN", None)
    assert doc.issuer == cast.department and doc.issuer_name == "Sở Nông nghiệp và PTNT"


def test_it_links_tasks_to_their_parents_in_document_order(cast: Cast, seed_gold: dict[str, Any]) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    tasks = list(plan.tasks.order_by("order"))
    assert [t.code for t in tasks] == ["1", "1.1", "1.2", "1.3", "2", "3"]
    assert [t.parent.code if t.parent else None for t in tasks] == [None, "1", "1", "1", None, None]


def test_it_stores_targets_as_decimals_with_their_comparators(cast: Cast, seed_gold: dict[str, Any]) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    cover = Target.objects.get(task__plan=plan, name="tỷ lệ che phủ rừng")
    assert (cover.comparator, cover.value, cover.unit) == (">=", Decimal("64.2"), "%")
    firms = Target.objects.get(task__plan=plan, unit="doanh nghiệp")
    assert (firms.comparator, firms.value, firms.max_value) == ("range", 5, 7)
    season = Milestone.objects.get(task__plan=plan, value__isnull=False)
    assert (season.value, season.unit, season.due) == (6750, "ha", None)


def test_it_matches_existing_units_and_creates_the_missing_ones(
    cast: Cast, seed_gold: dict[str, Any]
) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    tasks = {t.code: t for t in plan.tasks.select_related("lead_unit")}
    assert tasks["1.1"].lead_unit == cast.rural_unit
    assert tasks["1.3"].lead_unit == cast.forest_unit
    assert tasks["3"].lead_unit == cast.forest_unit
    crops = tasks["1.2"].lead_unit
    assert crops is not None
    assert (crops.name, crops.kind, crops.parent) == (
        "Chi cục Trồng trọt và Bảo vệ thực vật",
        OrganisationKind.SUB_DEPARTMENT,
        cast.department,
    )
    board = tasks["2"].lead_unit
    assert board is not None
    assert (board.kind, board.parent) == (OrganisationKind.BOARD, cast.department)


def test_it_creates_each_leader_once_in_the_issuer(cast: Cast, seed_gold: dict[str, Any]) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    leaders = {t.code: t.leader for t in plan.tasks.select_related("leader")}
    assert leaders["1"] is None
    assert leaders["1.1"] == leaders["2"]
    deputy = leaders["1.1"]
    assert deputy is not None
    assert (deputy.full_name, deputy.position) == ("Nguyễn Phúc Đạt", "Phó Giám đốc Sở")
    assert deputy.organisation == cast.department
    assert Official.objects.filter(organisation=cast.department).count() == 2 + 3


def test_it_matches_a_leader_to_an_existing_official_by_normalised_name(
    cast: Cast, seed_gold: dict[str, Any]
) -> None:
    seed_gold["tasks"][1]["leader"] = {"name": "Đ/c  LÊ THỊ PHÓ", "title": "PGĐ Sở"}

    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    assert plan.tasks.get(code="1.1").leader == cast.deputy_official


def test_it_links_a_task_to_the_documents_its_title_cites(cast: Cast, seed_gold: dict[str, Any]) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    assert sorted(plan.tasks.get(code="3").implements.values_list("number", flat=True)) == [
        "231/KH-UBND",
        "95-NQ/TU",
    ]
    decision = SourceDocument.objects.get(number="58/QĐ-UBND")
    assert (decision.kind, decision.issued_on) == ("QĐ", dt.date(2023, 1, 17))
    assert not decision.implementing_tasks.exists()


def test_it_reuses_a_cited_document_already_stored(cast: Cast, seed_gold: dict[str, Any]) -> None:
    stored = SourceDocument.objects.create(number="231/KH-UBND", issued_on=dt.date(2022, 11, 9), kind="KH")

    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    assert stored in plan.tasks.get(code="3").implements.all()
    assert SourceDocument.objects.filter(number="231/KH-UBND").count() == 1


def test_it_follows_the_review_screens_decisions(cast: Cast, seed_gold: dict[str, Any]) -> None:
    decisions = {
        "organisations": {
            "Chi cục Trồng trọt và Bảo vệ thực vật": cast.forest_unit.pk,
            "Chi cục Kiểm lâm": "new",
        },
        "officials": {"Vũ Văn Thịnh": cast.deputy_official.pk},
    }

    plan = plan_import_commit(
        plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance, decisions=decisions
    )

    tasks = {t.code: t for t in plan.tasks.all()}
    assert tasks["1.2"].lead_unit == cast.forest_unit
    # "create new" for a name already under the issuer falls back to that body: one per name.
    assert tasks["1.3"].lead_unit == cast.forest_unit
    assert tasks["1.3"].leader == cast.deputy_official


def test_it_stores_the_source_file_with_its_hash(cast: Cast, seed_gold: dict[str, Any]) -> None:
    data = "KẾ HOẠCH thử".encode()

    plan = plan_import_commit(
        plan_json=seed_gold,
        issuer=cast.department,
        user=cast.planning_finance,
        source_name="/tmp/ke-hoach.txt",
        source_bytes=data,
    )

    doc = plan.source_document
    assert doc is not None
    assert doc.content_hash == content_hash(data)
    assert doc.file.name is not None
    assert doc.file.name.endswith(".txt")
    assert doc.file.read() == data


@pytest.mark.parametrize(
    "stem, tasks, targets, milestones, findings, references",
    [
        ("dev/binh-dinh-sct-2025", 8, 9, 1, 1, 2),
        ("dev/dong-thap-tam-nong-2024", 9, 12, 2, 2, 3),
        ("dev/nghe-an-sgddt-2023", 9, 11, 3, 2, 2),
        ("dev/quang-ninh-syt-2024", 9, 11, 2, 1, 3),
        ("dev/thai-nguyen-sgtvt-2022", 10, 10, 2, 2, 3),
    ],
)
def test_it_imports_every_dev_gold_plan(
    cast: Cast,
    gold: Any,
    stem: str,
    tasks: int,
    targets: int,
    milestones: int,
    findings: int,
    references: int,
) -> None:
    plan = plan_import_commit(plan_json=gold(stem), issuer=cast.department, user=cast.planning_finance)

    assert plan.tasks.count() == tasks
    assert Target.objects.filter(task__plan=plan).count() == targets
    assert Milestone.objects.filter(task__plan=plan).count() == milestones
    assert plan.findings.count() == findings
    assert plan.source_document_id is not None
    assert SourceDocument.objects.exclude(pk=plan.source_document_id).count() == references


def test_a_peer_department_named_as_support_is_created_beside_the_issuer(cast: Cast, gold: Any) -> None:
    plan = plan_import_commit(
        plan_json=gold("dev/nghe-an-sgddt-2023"), issuer=cast.department, user=cast.planning_finance
    )

    home_affairs = Organisation.objects.get(name="Sở Nội vụ")
    assert (home_affairs.kind, home_affairs.parent) == (OrganisationKind.DEPARTMENT, cast.province)
    assert plan.tasks.get(code="4").support_units.filter(pk=home_affairs.pk).exists()


def _with_task(plan_json: dict[str, Any], **task: Any) -> dict[str, Any]:
    plan_json = copy.deepcopy(plan_json)
    plan_json["tasks"].append(
        {"code": "9", "parent": None, "title": "Nhiệm vụ cuối", "targets": [], "milestones": []} | task
    )
    return plan_json


@pytest.mark.parametrize(
    "change, error",
    [
        ({"targets": [{"name": "x", "unit": "ha", "comparator": "=", "value": -1}]}, InvalidTargetError),
        (
            {"targets": [{"name": "x", "unit": "ha", "comparator": "range", "value": 5, "max": None}]},
            InvalidTargetError,
        ),
        (
            {"targets": [{"name": "x", "unit": "ha", "comparator": "range", "value": 5, "max": 3}]},
            InvalidTargetError,
        ),
        (
            {"targets": [{"name": "x", "unit": "ha", "comparator": ">=", "value": 5, "max": 9}]},
            InvalidTargetError,
        ),
        ({"targets": [{"name": "x", "unit": "ha", "comparator": "=", "value": "nhiều"}]}, InvalidTargetError),
        ({"deadline": "2023-02-30"}, InvalidDateError),
        ({"milestones": [{"due": "30/6/2023", "text": "xong"}]}, InvalidDateError),
        ({"code": "1.1"}, DuplicateTaskCodeError),
        ({"parent": "7"}, UnknownParentError),
    ],
)
def test_an_invalid_last_task_leaves_no_rows_at_all(
    cast: Cast, seed_gold: dict[str, Any], change: dict[str, Any], error: type[DomainError]
) -> None:
    before = counts()

    with pytest.raises(error) as raised:
        plan_import_commit(
            plan_json=_with_task(seed_gold, **change), issuer=cast.department, user=cast.planning_finance
        )

    assert counts() == before
    assert raised.value.message and raised.value.message_en


def test_a_target_too_precise_for_the_database_is_refused_after_writing_nothing(
    cast: Cast, seed_gold: dict[str, Any]
) -> None:
    # Caught by full_clean deep inside the write, after the plan and five tasks were saved.
    bad = _with_task(seed_gold, targets=[{"name": "x", "unit": "ha", "comparator": "=", "value": 1e30}])
    before = counts()

    with pytest.raises(DomainError):
        plan_import_commit(plan_json=bad, issuer=cast.department, user=cast.planning_finance)

    assert counts() == before


def test_a_bad_plan_year_is_refused_in_vietnamese_and_english(cast: Cast, seed_gold: dict[str, Any]) -> None:
    seed_gold["document"]["year"] = 1975

    with pytest.raises(DomainError) as raised:
        plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=cast.planning_finance)

    assert "Năm kế hoạch" in raised.value.message
    assert "plan year" in raised.value.message_en


def test_reimporting_the_same_file_is_refused_without_an_update(
    cast: Cast, seed_gold: dict[str, Any]
) -> None:
    data = b"the same bytes"
    plan_import_commit(
        plan_json=seed_gold, issuer=cast.department, user=None, source_name="a.txt", source_bytes=data
    )
    before = counts()

    with pytest.raises(DuplicatePlanError) as raised:
        plan_import_commit(
            plan_json=seed_gold, issuer=cast.department, user=None, source_name="a.txt", source_bytes=data
        )

    assert raised.value.plan == Plan.objects.get()
    assert counts() == before


def test_a_plan_with_the_number_and_date_of_an_imported_one_is_a_duplicate(cast: Cast, gold: Any) -> None:
    plan_json = gold("dev/quang-ninh-syt-2024")
    plan_import_commit(plan_json=plan_json, issuer=cast.department, user=None)

    with pytest.raises(DuplicatePlanError):
        plan_import_commit(
            plan_json=plan_json,
            issuer=cast.department,
            user=None,
            source_name="other.docx",
            source_bytes=b"x",
        )


def test_an_update_keeps_the_plan_and_the_tasks_it_still_has(cast: Cast, seed_gold: dict[str, Any]) -> None:
    data = b"the same bytes"
    plan = plan_import_commit(
        plan_json=seed_gold, issuer=cast.department, user=None, source_name="a.txt", source_bytes=data
    )
    ids = dict(plan.tasks.values_list("code", "id"))
    target_ids = set(Target.objects.filter(task__code="1.3").values_list("id", flat=True))
    changed = copy.deepcopy(seed_gold)
    changed["tasks"] = [t for t in changed["tasks"] if t["code"] != "2"]
    changed["tasks"][1]["title"] = "Tiêu đề mới"
    changed["tasks"].append(
        {"code": "4", "parent": None, "title": "Nhiệm vụ mới", "targets": [], "milestones": []}
    )
    plan.findings.filter(code="blank_number").update(status="dismissed")

    updated = plan_import_commit(
        plan_json=changed,
        issuer=cast.department,
        user=None,
        source_name="a.txt",
        source_bytes=data,
        update_plan=plan,
    )

    assert updated.pk == plan.pk and Plan.objects.count() == 1
    now = dict(updated.tasks.values_list("code", "id"))
    assert set(now) == {"1", "1.1", "1.2", "1.3", "3", "4"}
    assert all(now[code] == ids[code] for code in ("1", "1.1", "1.2", "1.3", "3"))
    assert Task.objects.get(pk=ids["1.1"]).title == "Tiêu đề mới"
    assert set(Target.objects.filter(task__code="1.3").values_list("id", flat=True)) == target_ids
    assert updated.findings.get(code="blank_number").status == "dismissed"
    assert SourceDocument.objects.filter(content_hash=content_hash(data)).count() == 1


def test_a_failed_update_leaves_the_plan_as_it_was(cast: Cast, seed_gold: dict[str, Any]) -> None:
    plan = plan_import_commit(plan_json=seed_gold, issuer=cast.department, user=None)
    before = counts()
    titles = dict(plan.tasks.values_list("code", "title"))
    bad = _with_task(seed_gold, targets=[{"name": "x", "unit": "ha", "comparator": "=", "value": 1e30}])
    bad["tasks"][0]["title"] = "Đã đổi"

    with pytest.raises(DomainError):
        plan_import_commit(plan_json=bad, issuer=cast.department, user=None, update_plan=plan)

    assert counts() == before
    assert dict(plan.tasks.values_list("code", "title")) == titles
