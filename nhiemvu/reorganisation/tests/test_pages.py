"""The pages under /organisations/changes/: who gets them, the preview that changes nothing, the confirmation."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from nhiemvu.organisations.models import Organisation, Succession
from nhiemvu.plans.models import Task
from nhiemvu.reorganisation.services import organisation_rename
from nhiemvu.reporting.models import ProgressReport

from .conftest import MARCH_1, Reform

pytestmark = pytest.mark.django_db

DECISION = "Quyết định 123/QĐ-UBND"


def as_user(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def merge_data(reform: Reform, **changes: Any) -> dict[str, Any]:
    cast = reform.cast
    return {
        "predecessors": [cast.forest_unit.pk, cast.rural_unit.pk],
        "mode": "new",
        "new_name": "Chi cục Kiểm lâm và Phát triển nông thôn",
        "new_short_name": "",
        "new_kind": "sub_department",
        "new_parent": cast.department.pk,
        "effective_on": "1/3/2025",
        "decision": DECISION,
        **changes,
    }


def test_administrators_reviewers_and_planning_finance_get_the_pages_others_get_404(reform: Reform) -> None:
    cast = reform.cast
    admin = User.objects.create_superuser("quantri", "qt@example.vn", "x")
    for user in (admin, cast.reviewer, cast.planning_finance):
        client = as_user(user)
        for name in ("change-list", "merge", "rename"):
            assert client.get(reverse(f"reorganisation:{name}")).status_code == 200, (user, name)
    for user in (cast.director, cast.deputy, cast.unit_staff, cast.outsider):
        client = as_user(user)
        for name in ("change-list", "merge", "rename"):
            assert client.get(reverse(f"reorganisation:{name}")).status_code == 404, (user, name)
        assert (
            client.post(reverse("reorganisation:merge"), merge_data(reform, confirm="1")).status_code == 404
        )
    assert Client().get(reverse("reorganisation:change-list")).status_code == 302
    assert not Succession.objects.exists()


def test_the_organisation_list_links_to_the_changes_for_those_who_may_make_them(reform: Reform) -> None:
    link = reverse("reorganisation:change-list")
    page = as_user(reform.cast.planning_finance).get(reverse("organisations:organisation-list"))
    assert link in page.content.decode()
    page = as_user(reform.cast.unit_staff).get(reverse("organisations:organisation-list"))
    assert link not in page.content.decode()


def test_the_list_shows_each_change_with_its_date_and_document(
    reform: Reform, django_assert_max_num_queries: Any
) -> None:
    organisation_rename(
        organisation=reform.cast.forest_unit,
        name="Chi cục Kiểm lâm vùng I",
        effective_on=MARCH_1,
        decision=DECISION,
        user=None,
    )
    client = as_user(reform.cast.planning_finance)
    # Session and user, memberships and the tree (authority), the successions (a body renamed hands
    # its history to its successor's people), the changes with both bodies (one join): as many
    # changes, no more queries.
    with django_assert_max_num_queries(9):
        page = client.get(reverse("reorganisation:change-list")).content.decode()
    assert "01/03/2025" in page and DECISION in page and "Chi cục Kiểm lâm vùng I" in page
    assert "Đổi tên" in page


def test_the_preview_says_what_will_move_and_changes_nothing(
    reform: Reform, django_assert_max_num_queries: Any
) -> None:
    cast = reform.cast
    for code in range(5, 15):  # more open tasks, each with a draft: the same queries
        task = Task.objects.create(
            plan=reform.plan, code=str(code), title="Thêm", order=code, lead_unit=cast.rural_unit
        )
        task.support_units.add(cast.forest_unit)
        ProgressReport.objects.create(task=task, period=reform.periods[0], organisation=cast.rural_unit)
    client = as_user(cast.planning_finance)
    # Session, user, authority (2), the form's two trees, the three chosen bodies; what moves: plans
    # issued and compiled, plan targets, tasks with their support units, the completed ones (4:
    # latest accepted reports with figures), open steps, reports (2), officials, roles, the tree
    # for the checks; the navigation's scope (2) and notices. As many rows, no more queries.
    with django_assert_max_num_queries(27):
        page = client.post(reverse("reorganisation:merge"), merge_data(reform))
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        "12 nhiệm vụ đang thực hiện, 12 báo cáo chưa gửi, 1 tài khoản, 0 đơn vị trực thuộc sẽ chuyển sang "
        "Chi cục Kiểm lâm và Phát triển nông thôn" in text
    )
    assert "2. Nhiệm vụ số 2" in text and "3. Nhiệm vụ số 3" in text and "1. Nhiệm vụ số 1" not in text
    assert "Hoàng Văn Lâm — Cán bộ đơn vị" in text
    assert 'data-testid="confirm"' in text
    assert not Succession.objects.exists()
    assert not Organisation.objects.filter(name__startswith="Chi cục Kiểm lâm và").exists()


def test_confirming_merges_and_opens_the_successor_with_the_moved_tasks(reform: Reform) -> None:
    client = as_user(reform.cast.planning_finance)
    answer = client.post(reverse("reorganisation:merge"), merge_data(reform, confirm="1"), follow=True)
    successor = Organisation.objects.get(name="Chi cục Kiểm lâm và Phát triển nông thôn")
    assert answer.redirect_chain[-1][0] == reverse("organisations:organisation-detail", args=[successor.pk])
    text = answer.content.decode()
    assert "Đã ghi nhận thay đổi" in text
    assert "Nhiệm vụ số 2" in text and "Nhiệm vụ số 3" in text
    assert successor.predecessions.count() == 2


def test_a_refused_merge_shows_why_in_the_preview_and_offers_no_confirmation(reform: Reform) -> None:
    cast = reform.cast
    client = as_user(cast.planning_finance)
    data = merge_data(reform, mode="existing", successor=cast.forest_unit.pk)
    text = client.post(reverse("reorganisation:merge"), data).content.decode()
    assert "Không thể sáp nhập «Chi cục Kiểm lâm» vào chính nó." in text
    assert 'data-testid="confirm"' not in text
    # Confirming anyway is refused by the service, with the same words, and changes nothing.
    text = client.post(reverse("reorganisation:merge"), {**data, "confirm": "1"}).content.decode()
    assert "vào chính nó" in text and not Succession.objects.exists()


def test_planning_finance_cannot_pick_another_agencys_body(reform: Reform) -> None:
    cast = reform.cast
    client = as_user(cast.planning_finance)
    data = merge_data(reform, predecessors=[reform.env_unit.pk, cast.forest_unit.pk], confirm="1")
    page = client.post(reverse("reorganisation:merge"), data)
    assert page.status_code == 200 and "không phải cơ quan, đơn vị bạn được thay đổi" in page.content.decode()
    data = merge_data(reform, predecessors=[cast.department.pk], confirm="1")
    assert client.post(reverse("reorganisation:merge"), data).status_code == 200
    assert not Succession.objects.exists()


def test_a_mistyped_date_is_asked_again_in_vietnamese(reform: Reform) -> None:
    client = as_user(reform.cast.planning_finance)
    text = client.post(
        reverse("reorganisation:merge"), merge_data(reform, effective_on="31/2/2025")
    ).content.decode()
    assert "«31/2/2025» không phải là ngày hợp lệ" in text


def test_renaming_through_the_page(reform: Reform) -> None:
    cast = reform.cast
    client = as_user(cast.reviewer)
    data = {
        "organisation": cast.department.pk,
        "name": "Sở Nông nghiệp và Môi trường",
        "short_name": "Sở NN&MT",
        "aliases": "Sở Nông nghiệp và MT; Sở NNMT",
        "effective_on": "1/3/2025",
        "decision": DECISION,
    }
    preview = client.post(reverse("reorganisation:rename"), data).content.decode()
    assert "Xem trước việc đổi tên" in preview and "3 đơn vị trực thuộc" in preview
    answer = client.post(reverse("reorganisation:rename"), {**data, "confirm": "1"})
    renamed = Organisation.objects.get(name="Sở Nông nghiệp và Môi trường")
    assert answer.status_code == 302
    assert renamed.aliases == ["Sở Nông nghiệp và MT", "Sở NNMT"]
    assert renamed.children.count() == 3
