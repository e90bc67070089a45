"""The chain province → agency: who may link and who sees which level, the roll-up and its edge cases,
the proposals, and the link chosen on the import review."""

from __future__ import annotations

import datetime as dt
import pickle
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from nhiemvu.cascade.models import TaskLink
from nhiemvu.cascade.selectors import (
    agency_standings,
    cascade_load,
    draft_proposals,
    rolled_status,
    tasks_assigned_to,
)
from nhiemvu.cascade.services import LinkError, plan_links_set, task_link_add, task_link_remove
from nhiemvu.core.errors import PermissionDenied
from nhiemvu.demo.chain import decision_load
from nhiemvu.ingest.models import ImportSession
from nhiemvu.plans.models import Plan, PlanStatus, Target, Task
from nhiemvu.reporting.models import ProgressReport
from nhiemvu.reporting.services import (
    ReportInput,
    periods_generate,
    report_accept,
    report_save_draft,
    report_start,
    report_submit,
)
from nhiemvu.reporting.snapshot import snapshot_load
from nhiemvu.reporting.status import TaskStatus
from nhiemvu.testing import Cast, make_decision, make_plan, page_builds, review_form_data

pytestmark = pytest.mark.django_db
HANOI = dt.timezone(dt.timedelta(hours=7))


@dataclass
class Chain:
    cast: Cast
    decision: Plan
    forest: Task  # provincial: lead the department, partner Sở Y tế; targets 2.000 ha and 64,2 %
    budget: Task  # provincial: lead the department, no target
    health: Task  # provincial: lead Sở Y tế
    untouched: Task  # provincial: lead the department, nobody carries it
    plan: Plan  # the department's plan (make_plan): tasks 1, 3 of the forest unit, 2 of the rural unit


@pytest.fixture
def chain(cast: Cast) -> Chain:
    decision = make_decision(
        cast,
        [
            ("1", "Trồng rừng tập trung, nâng tỷ lệ che phủ rừng", cast.department),
            ("2", "Hoàn thành dự toán ngân sách", cast.department),
            ("3", "Tiêm chủng mở rộng", cast.other_department),
            ("4", "Cải tạo rừng sản xuất", cast.department),
        ],
    )
    forest, budget, health, untouched = (decision.tasks.get(code=c) for c in "1234")
    forest.support_units.add(cast.other_department)
    Target.objects.create(task=forest, name="diện tích trồng rừng", unit="ha", value=Decimal(2000), order=0)
    Target.objects.create(
        task=forest, name="tỷ lệ che phủ rừng", unit="%", comparator=">=", value=Decimal("64.2"), order=1
    )
    Task.objects.filter(pk=budget.pk).update(deadline=dt.date(2023, 6, 30))
    budget.refresh_from_db()
    plan = make_plan(cast, tasks=3, targets_per_task=1)
    plan.status = PlanStatus.ACTIVE
    plan.save()
    periods_generate(plan=plan)
    return Chain(cast, decision, forest, budget, health, untouched, plan)


def _accept(
    chain: Chain, code: str, *, actual: int | None, completed_on: dt.date | None = None
) -> ProgressReport:
    """The forest unit reports on its task for June 2023; Planning-Finance accepts."""
    cast = chain.cast
    task = chain.plan.tasks.get(code=code)
    period = chain.plan.periods.get(key="2023-06")
    with time_machine.travel(dt.datetime(2023, 6, 16, 9, 0, tzinfo=HANOI), tick=False):
        report = report_start(task=task, period=period, user=cast.unit_staff)
        values: dict[int, tuple[Decimal | None, Decimal | None]] = (
            {t.pk: (Decimal(actual), None) for t in task.targets.all()} if actual is not None else {}
        )
        data = ReportInput(
            percent_done=Decimal(100 if completed_on else 40),
            completed_on=completed_on,
            narrative="Đã triển khai.",
            values=values,
        )
        report = report_save_draft(report=report, user=cast.unit_staff, revision=report.revision, data=data)
        report = report_submit(report=report, user=cast.unit_staff)
        return report_accept(report=report, user=cast.planning_finance)


def _link(chain: Chain, provincial: Task, code: str) -> TaskLink:
    return task_link_add(
        user=chain.cast.planning_finance,
        provincial_task=provincial,
        agency_task=chain.plan.tasks.get(code=code),
    )


def _rollups(chain: Chain, today: dt.date = dt.date(2023, 7, 1)) -> dict[str, object]:
    return {r.code: r for r in cascade_load(chain.decision.tasks.all(), today=today).rollups}


# The status rule, as a table -------------------------------------------------------------------------


def _state(status: TaskStatus, completed_on: dt.date | None = None, *, heading: bool = False) -> object:
    snap = snapshot_load(plan_ids=[])
    assert not snap.tasks
    from nhiemvu.reporting.snapshot import TaskState

    return TaskState(
        pk=1, plan_id=1, code="1", title="", depth=0, leader_id=None, leader="", lead_unit_id=None if heading else 1, lead_unit="",
        deadline=None, status=status, completed_on=completed_on, percent_done=None, mean_attainment=None,
        reported_in="", narrative="", targets=(), milestones=(), at_risk=False, reason="", no_data=False,
        no_data_reason="", notes=(),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("linked", "today", "expected", "completed"),
    [
        ([], dt.date(2023, 6, 1), TaskStatus.NOT_STARTED, None),
        ([], dt.date(2024, 1, 2), TaskStatus.OVERDUE, None),
        ([(TaskStatus.NOT_STARTED, None)], dt.date(2023, 6, 1), TaskStatus.NOT_STARTED, None),
        ([(TaskStatus.IN_PROGRESS, None), (TaskStatus.NOT_STARTED, None)], dt.date(2023, 6, 1), TaskStatus.IN_PROGRESS, None),
        # Done only when every linked task is, on the day of the last one, against the province's deadline.
        ([(TaskStatus.COMPLETED_ON_TIME, dt.date(2023, 5, 1)), (TaskStatus.IN_PROGRESS, None)], dt.date(2023, 6, 1), TaskStatus.IN_PROGRESS, None),
        ([(TaskStatus.COMPLETED_ON_TIME, dt.date(2023, 5, 1)), (TaskStatus.COMPLETED_ON_TIME, dt.date(2023, 12, 20))], dt.date(2024, 1, 5), TaskStatus.COMPLETED_ON_TIME, dt.date(2023, 12, 20)),
        # The agency's own deadline was later than the province's: on time for the agency, late for the province.
        ([(TaskStatus.COMPLETED_ON_TIME, dt.date(2024, 1, 3))], dt.date(2024, 1, 5), TaskStatus.COMPLETED_LATE, dt.date(2024, 1, 3)),
        ([(TaskStatus.OVERDUE, None)], dt.date(2024, 1, 5), TaskStatus.OVERDUE, None),
    ],
)  # fmt: skip
def test_a_provincial_task_takes_its_category_from_the_tasks_carrying_it(
    db: None,
    linked: list[tuple[TaskStatus, dt.date | None]],
    today: dt.date,
    expected: TaskStatus,
    completed: dt.date | None,
) -> None:
    states = [_state(s, d) for s, d in linked]
    status, completed_on, rule = rolled_status(deadline=dt.date(2023, 12, 31), today=today, linked=states)  # type: ignore[arg-type]
    assert (status, completed_on) == (expected, completed)
    assert rule


def test_a_linked_heading_does_not_hold_the_provincial_task_back(db: None) -> None:
    done = _state(TaskStatus.COMPLETED_ON_TIME, dt.date(2023, 11, 30))
    heading = _state(TaskStatus.NOT_STARTED, heading=True)
    status, completed_on, _rule = rolled_status(
        deadline=dt.date(2023, 12, 31),
        today=dt.date(2024, 1, 5),
        linked=[heading, done],  # type: ignore[list-item]
    )
    assert (status, completed_on) == (TaskStatus.COMPLETED_ON_TIME, dt.date(2023, 11, 30))


# Who may link, who sees which level ----------------------------------------------------------------


def test_planning_finance_links_and_nobody_else_may(chain: Chain) -> None:
    cast = chain.cast
    task = chain.plan.tasks.get(code="1")
    for user in (cast.director, cast.deputy, cast.unit_staff, cast.reviewer, cast.outsider):
        with pytest.raises(PermissionDenied):
            task_link_add(user=user, provincial_task=chain.forest, agency_task=task)
    link = _link(chain, chain.forest, "1")
    assert _link(chain, chain.forest, "1") == link  # twice is once
    with pytest.raises(PermissionDenied):
        task_link_remove(user=cast.director, link=link)
    assert TaskLink.objects.count() == 1


def test_only_a_provincial_task_assigned_to_the_agency_can_be_linked(chain: Chain) -> None:
    with pytest.raises(LinkError, match="không giao cho"):
        _link(chain, chain.health, "1")  # Sở Y tế's task
    other = make_plan(chain.cast, tasks=1, title="Kế hoạch khác")
    with pytest.raises(LinkError, match="UBND tỉnh"):
        task_link_add(
            user=chain.cast.planning_finance,
            provincial_task=other.tasks.get(),
            agency_task=chain.plan.tasks.get(code="1"),
        )
    assert not TaskLink.objects.exists()
    # The partner agency's share: Sở Y tế supports the forest task, so it is assigned to it too.
    assert chain.forest in tasks_assigned_to(chain.cast.other_department.pk)


def _get(client: Client, user: object, url: str) -> int:
    client.force_login(user)  # type: ignore[arg-type]
    return client.get(url).status_code


def test_each_level_sees_its_own(client: Client, chain: Chain) -> None:
    cast = chain.cast
    _link(chain, chain.forest, "1")
    province = reverse("dashboards:province")
    own = reverse("dashboards:province-agency", args=[chain.decision.pk, cast.department.pk])
    other = reverse("dashboards:province-agency", args=[chain.decision.pk, cast.other_department.pk])
    task = reverse("cascade:provincial-task", args=[chain.forest.pk])
    health = reverse("cascade:provincial-task", args=[chain.health.pk])
    links = reverse("cascade:plan-links", args=[chain.plan.pk])
    expected = {
        # The province sees every agency; the agency's management sees its own share, not the province's table.
        cast.reviewer: {province: 200, own: 200, other: 200, task: 200, health: 200, links: 200},
        cast.planning_finance: {province: 404, own: 200, other: 404, task: 200, health: 404, links: 200},
        cast.director: {province: 404, own: 200, other: 404, task: 200, health: 404, links: 200},
        # A unit never sees another agency's tasks, nor the province's.
        cast.unit_staff: {province: 404, own: 404, other: 404, task: 404, health: 404, links: 404},
        cast.outsider: {province: 404, own: 404, other: 404, task: 404, health: 404, links: 404},
    }
    seen = {user: {url: _get(client, user, url) for url in urls} for user, urls in expected.items()}
    assert seen == expected


def test_the_province_pages_builds_survive_the_queue(
    client: Client, chain: Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the province's pages hand to `nhiemvu worker` is pickled into the queue (`caching`):
    unpickled, each renders the same body."""
    builds = page_builds(monkeypatch)
    _link(chain, chain.forest, "1")
    client.force_login(chain.cast.reviewer)
    assert client.get(reverse("dashboards:province")).status_code == 200
    own = reverse("dashboards:province-agency", args=[chain.decision.pk, chain.cast.department.pk])
    assert client.get(own).status_code == 200
    assert len(builds) == 2
    for build in builds:
        body = build()
        assert "Chi cục" in body or "Sở" in body
        assert pickle.loads(pickle.dumps(build))() == body


def test_the_link_page_writes_for_planning_finance_only(client: Client, chain: Chain) -> None:
    url = reverse("cascade:plan-links", args=[chain.plan.pk])
    task = chain.plan.tasks.get(code="1")
    client.force_login(chain.cast.director)
    assert client.post(url, {"task": task.pk, "provincial": chain.forest.pk}).status_code == 404
    client.force_login(chain.cast.planning_finance)
    page = client.get(url).content.decode()
    assert "Cải tạo rừng sản xuất" in page  # not taken up by any task: flagged to the agency
    assert client.post(url, {"task": task.pk, "provincial": chain.health.pk}).status_code == 302
    assert not TaskLink.objects.exists()  # Sở Y tế's task is not in the list
    client.post(url, {"task": task.pk, "provincial": chain.forest.pk})
    link = TaskLink.objects.get()
    assert (link.agency_task, link.provincial_task, link.linked_by) == (
        task,
        chain.forest,
        chain.cast.planning_finance,
    )
    client.post(url, {"remove": link.pk})
    assert not TaskLink.objects.exists()


# The roll-up ---------------------------------------------------------------------------------------------


def test_targets_are_summed_in_the_same_unit_and_shares_never(chain: Chain) -> None:
    _link(chain, chain.forest, "1")
    _link(chain, chain.forest, "3")
    _accept(chain, "1", actual=500)
    _accept(chain, "3", actual=300)
    rollup = _rollups(chain)["1"]
    area, cover = rollup.targets  # type: ignore[attr-defined]
    assert area.summed and area.actual == Decimal(800) and area.attainment == Decimal("40.0")
    assert "2/2" in area.rule
    assert not cover.summed and cover.actual is None and "không cộng dồn" in cover.rule
    assert rollup.status == TaskStatus.IN_PROGRESS  # type: ignore[attr-defined]


def test_one_provincial_task_carried_by_two_agencies(chain: Chain) -> None:
    cast = chain.cast
    health_plan = Plan.objects.create(
        title="Kế hoạch của Sở Y tế", year=2023, starts_on=dt.date(2023, 1, 1), ends_on=dt.date(2023, 12, 31),
        issuer=cast.other_department,
    )  # fmt: skip
    seedlings = Task.objects.create(
        plan=health_plan, code="1", title="Trồng cây dược liệu dưới tán rừng", order=1
    )
    Target.objects.create(task=seedlings, name="dược liệu", unit="ha", value=Decimal(100))
    admin = get_user_model().objects.create_superuser("quantri", "qt@example.vn", "x")
    task_link_add(user=admin, provincial_task=chain.forest, agency_task=seedlings)
    _link(chain, chain.forest, "1")
    _accept(chain, "1", actual=500)
    rollup = _rollups(chain)["1"]
    assert [lt.agency for lt in rollup.links] == [cast.department.name, cast.other_department.name]  # type: ignore[attr-defined]
    area = rollup.targets[0]  # type: ignore[attr-defined]
    assert area.actual == Decimal(500)  # Sở Y tế has not reported: summed over what was accepted, and said so
    assert "2/2" in area.rule and "1 nhiệm vụ chưa có số liệu" in area.rule
    standings = {
        s.agency: s
        for s in agency_standings(cascade_load(chain.decision.tasks.all(), today=dt.date(2023, 7, 1)))
    }
    assert standings[cast.department.name].assigned == 3 and standings[cast.department.name].uncovered == 2
    assert standings[cast.other_department.name].assigned == 1
    # The department's director reads the provincial task it shares with Sở Y tế: Sở Y tế's own task
    # shows as theirs, without its wording; the province reads it whole.
    client = Client()
    url = reverse("cascade:provincial-task", args=[chain.forest.pk])
    client.force_login(cast.director)
    page = client.get(url).content.decode()
    assert "Trồng cây dược liệu" not in page and "nhiệm vụ của cơ quan khác" in page
    client.force_login(cast.reviewer)
    assert "Trồng cây dược liệu" in client.get(url).content.decode()
    # Neither has finished a task; the department has taken up part of its share, Sở Y tế none of its own.
    assert (standings[cast.department.name].rank, standings[cast.other_department.name].rank) == (1, 2)


def test_an_agency_task_serving_two_provincial_tasks_counts_for_both(chain: Chain) -> None:
    _link(chain, chain.forest, "1")
    _link(chain, chain.budget, "1")
    _accept(chain, "1", actual=1000, completed_on=dt.date(2023, 6, 10))
    rollups = _rollups(chain)
    assert rollups["1"].status == TaskStatus.COMPLETED_ON_TIME  # type: ignore[attr-defined]
    assert rollups["2"].status == TaskStatus.COMPLETED_ON_TIME  # type: ignore[attr-defined]
    assert rollups["1"].targets[0].actual == Decimal(1000)  # type: ignore[attr-defined]
    assert rollups["4"].uncovered and rollups["4"].status == TaskStatus.NOT_STARTED  # type: ignore[attr-defined]


def test_a_link_removed_after_reports_exist_leaves_the_reports_and_stops_counting_them(chain: Chain) -> None:
    link = _link(chain, chain.forest, "1")
    _accept(chain, "1", actual=500)
    assert _rollups(chain)["1"].targets[0].actual == Decimal(500)  # type: ignore[attr-defined]
    task_link_remove(user=chain.cast.planning_finance, link=link)
    rollup = _rollups(chain)["1"]
    assert rollup.uncovered and rollup.targets[0].actual is None  # type: ignore[attr-defined]
    assert ProgressReport.objects.filter(task__plan=chain.plan).count() == 1


def test_the_roll_up_reads_in_the_same_number_of_queries_whatever_the_links(
    chain: Chain, django_assert_max_num_queries: object
) -> None:
    for code in ("1", "2", "3"):
        _link(chain, chain.forest, code)
    _accept(chain, "1", actual=500)
    with django_assert_max_num_queries(20):  # type: ignore[operator]
        cascade = cascade_load(chain.decision.tasks.all(), today=dt.date(2023, 7, 1))
        agency_standings(cascade)


# Proposals and the import review --------------------------------------------------------------------


def test_the_proposals_rank_the_task_by_its_wording(chain: Chain) -> None:
    candidates, proposals = draft_proposals(
        agency_id=chain.cast.department.pk,
        year=2023,
        tasks=[("a", "Trồng mới rừng tập trung năm 2023"), ("b", "Tiêm chủng mở rộng")],
        references=[],
    )
    assert {c.pk for c in candidates} == {chain.forest.pk, chain.budget.pk, chain.untouched.pk}
    assert proposals["a"][0].candidate.pk == chain.forest.pk
    assert proposals["b"] == []  # Sở Y tế's own task is not the department's to carry


def _upload_seed(client: Client, cast: Cast, shared_dir: object) -> ImportSession:
    """Planning-Finance uploads the sample plan; the import session waiting for review."""
    path = shared_dir / "corpus" / "seed" / "lang-son-snn-2023.txt"  # type: ignore[operator]
    client.force_login(cast.planning_finance)
    client.post(
        reverse("ingest:upload"),
        {"file": SimpleUploadedFile(path.name, path.read_bytes()), "issuer": cast.department.pk},
    )
    return ImportSession.objects.get()


def test_the_agency_confirms_its_links_on_the_import_review(
    client: Client, cast: Cast, shared_dir: object
) -> None:
    """The province's decision, imported from its document, then the department's plan: the review
    proposes the decision's tasks, the officer keeps two, changes one, and confirms."""
    decision = decision_load(province=cast.province, year=2023)
    assert decision.tasks.count() == 23
    assert decision.tasks.filter(lead_unit=cast.department).count() == 4  # "Sở Nông nghiệp và PTNT" matched
    session = _upload_seed(client, cast, shared_dir)
    html = client.get(reverse("ingest:review", args=[session.pk])).content.decode()
    data = review_form_data(html)
    forest = decision.tasks.get(code="2")  # "Trồng rừng tập trung 9.000 ha, … che phủ rừng …"
    assert data["link-1.3"] == [str(forest.pk), ""]  # ticked, and the "other" select left empty
    assert data["link-1"] == ""  # a heading is proposed, never ticked (only the empty select is sent)
    other = decision.tasks.get(code="1")
    data["link-1.2"] = str(other.pk)  # nothing proposed for the growing-area codes: chosen by hand
    response = client.post(reverse("ingest:confirm", args=[session.pk]), data)
    assert response.status_code == 302
    plan = Plan.objects.get(issuer=cast.department)
    links = {
        (link.agency_task.code, link.provincial_task.code)
        for link in TaskLink.objects.filter(agency_task__plan=plan)
    }
    assert {("1.3", "2"), ("1.2", "1"), ("2", "3"), ("3", "4")} <= links
    assert all(code != "1" for code, _ in links)


def test_a_link_choice_outside_the_agency_writes_nothing(
    client: Client, cast: Cast, shared_dir: object
) -> None:
    decision = decision_load(province=cast.province, year=2023)
    session = _upload_seed(client, cast, shared_dir)
    data = review_form_data(client.get(reverse("ingest:review", args=[session.pk])).content.decode())
    data["link-1.3"] = str(decision.tasks.get(code="12").pk)  # Sở Y tế's task in the decision
    response = client.post(reverse("ingest:confirm", args=[session.pk]), data)
    assert response.status_code == 200
    assert "không thuộc cơ quan này" in response.content.decode()
    assert not Plan.objects.filter(issuer=cast.department).exists()  # the plan and its links, or neither
    assert not TaskLink.objects.exists()


def test_plan_links_set_refuses_ids_it_does_not_know(chain: Chain) -> None:
    with pytest.raises(LinkError):
        plan_links_set(user=chain.cast.planning_finance, plan=chain.plan, chosen={"1": {chain.health.pk}})
    assert not TaskLink.objects.exists()


def test_linking_and_unlinking_are_in_the_agencys_audit_trail(chain: Chain) -> None:
    from django.contrib.contenttypes.models import ContentType

    from nhiemvu.audit.models import AuditEntry

    link = _link(chain, chain.forest, "1")
    pk = link.pk
    task_link_remove(user=chain.cast.planning_finance, link=link)
    entries = AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(TaskLink), object_pk=str(pk)
    ).order_by("timestamp")
    assert [e.action for e in entries] == [AuditEntry.Action.CREATE, AuditEntry.Action.DELETE]
    assert {e.organisation_id for e in entries} == {chain.cast.department.pk}
