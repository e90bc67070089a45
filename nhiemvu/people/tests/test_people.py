"""Planning-Finance manages its agency's people: invitations (expiring, single use), a sheet of
people with bad rows, someone leaving with their work handed over; nobody outside the agency."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import User
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from nhiemvu.organisations.models import Membership, Official, Role
from nhiemvu.people.models import Invitation
from nhiemvu.people.tests.test_setup import xlsx
from nhiemvu.reporting.models import ProgressReport, ReportStatus
from nhiemvu.reporting.services import periods_generate
from nhiemvu.roadmaps.models import RoadmapStep
from nhiemvu.testing import PASSWORD, Cast, make_plan

NEW_PASSWORD = "mùa xuân trên đỉnh Mẫu Sơn"


def link_in(message: mail.EmailMessage) -> str:
    found = re.search(r"https?://\S+/people/invitation/(\S+?)/", str(message.body))
    assert found, message.body
    return found.group(1)


@pytest.fixture
def planner(client: Client, cast: Cast) -> Client:
    client.force_login(cast.planning_finance)
    return client


def add(client: Client, cast: Cast, **changes: str) -> Any:
    data = {
        "full_name": "Nông Thị Hoa",
        "email": "Hoa.NT@LangSon.gov.vn",
        "organisation": str(cast.forest_unit.pk),
        "role": Role.UNIT_STAFF,
        "position": "Chuyên viên",
        "phone": "0205 3812 345",
        **changes,
    }
    return client.post(reverse("people:add", args=[cast.department.pk]), data)


def test_planning_finance_adds_a_unit_officer_who_gets_an_invitation(
    planner: Client, cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        answer = add(planner, cast)
    user = User.objects.get(email="hoa.nt@langson.gov.vn")
    assert answer.status_code == 302 and answer["Location"] == reverse(
        "people:person", args=[cast.department.pk, user.pk]
    )
    assert user.username == "hoa.nt" and user.get_full_name() == "Nông Thị Hoa"
    assert not user.has_usable_password()
    assert list(Membership.objects.filter(user=user).values_list("organisation", "role")) == [
        (cast.forest_unit.pk, Role.UNIT_STAFF)
    ]
    official = Official.objects.get(user=user)
    assert (official.organisation, official.position, official.phone) == (
        cast.forest_unit,
        "Chuyên viên",
        "0205 3812 345",
    )
    [message] = mail.outbox
    assert message.to == ["hoa.nt@langson.gov.vn"] and "hoa.nt" in message.body
    page = planner.get(reverse("people:agency", args=[cast.department.pk])).content.decode()
    assert "Nông Thị Hoa" in page and "chưa đặt mật khẩu" in page


def test_the_invitation_sets_a_password_once_and_signs_in(
    planner: Client, cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        add(planner, cast)
    token = link_in(mail.outbox[0])
    visitor = Client()
    url = reverse("people:invitation", args=[token])
    page = visitor.get(url)
    assert page.status_code == 200 and "hoa.nt" in page.content.decode()
    weak = visitor.post(url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 400
    assert not User.objects.get(username="hoa.nt").has_usable_password()
    done = visitor.post(url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert visitor.get(reverse("reporting:my-tasks")).status_code == 200  # signed in, as unit staff
    # The link cannot be used again, by anyone.
    again = Client().get(url)
    assert again.status_code == 410
    assert "đã được dùng" in again.content.decode()
    assert Client().login(username="hoa.nt", password=NEW_PASSWORD)


def test_an_expired_invitation_is_refused_and_a_new_one_replaces_it(
    planner: Client, cast: Cast, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        add(planner, cast)
    old = link_in(mail.outbox[0])
    user = User.objects.get(username="hoa.nt")
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        refused = Client().post(
            reverse("people:invitation", args=[old]),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
        assert refused.status_code == 410
        assert "hết hạn" in refused.content.decode()
        assert not User.objects.get(pk=user.pk).has_usable_password()
        planner.force_login(cast.planning_finance)  # a week later: a new session
        with django_capture_on_commit_callbacks(execute=True):
            resent = planner.post(reverse("people:resend", args=[cast.department.pk, user.pk]), follow=True)
        assert "Đã gửi lại lời mời" in resent.content.decode()
        new = link_in(mail.outbox[-1])
        assert new != old
        assert Client().get(reverse("people:invitation", args=[old])).status_code == 404  # replaced
        assert Client().get(reverse("people:invitation", args=[new])).status_code == 200
    assert Invitation.objects.filter(user=user, revoked_at__isnull=True, used_at__isnull=True).count() == 1


def test_a_made_up_link_is_refused_without_a_traceback(client: Client, db) -> None:
    page = client.get(reverse("people:invitation", args=["khong-co-that"]))
    assert page.status_code == 404 and "Liên kết không đúng" in page.content.decode()


def test_an_e_mail_already_in_use_is_refused(planner: Client, cast: Cast) -> None:
    answer = add(planner, cast, email=cast.unit_staff.email)
    assert answer.status_code == 400
    assert "Đã có tài khoản" in answer.content.decode()


def test_a_unit_outside_the_agency_or_a_role_not_theirs_is_not_offered(planner: Client, cast: Cast) -> None:
    answer = add(planner, cast, organisation=str(cast.other_department.pk))
    assert answer.status_code == 400
    answer = add(planner, cast, role=Role.PROVINCIAL_REVIEWER)
    assert answer.status_code == 400
    assert not User.objects.filter(email="hoa.nt@langson.gov.vn").exists()


PEOPLE = [
    ["STT", "Họ và tên", "Chức vụ", "Đơn vị", "Thư điện tử", "Vai trò"],
    ["1", "Hoàng Văn Nam", "Chi cục trưởng", "Chi cục Kiểm lâm", "nam.hv@example.vn", "Cán bộ đơn vị"],
    ["2", "Lý Thị Mai", "Chuyên viên", "Phòng KH-TC", "mai.lt@example.vn", "KHTC"],
    ["3", "Vi Văn Sơn", "", "Chi cục Phát triển nông thôn", "son.vv@example.vn", ""],
]


def test_a_sheet_of_people_with_bad_rows_shows_each_and_invites_nobody(planner: Client, cast: Cast) -> None:
    bad = [
        *PEOPLE,
        ["4", "Đỗ Văn Ngoài", "", "Sở Y tế", "ngoai@example.vn", ""],  # line 5: another agency's unit
        ["5", "", "", "Chi cục Kiểm lâm", "khongten@example.vn", ""],  # line 6: no name
        ["6", "Trùng Thư", "", "Chi cục Kiểm lâm", "NAM.HV@example.vn", ""],  # line 7: e-mail twice
        ["7", "Sai Quyền", "", "Chi cục Kiểm lâm", "sai@example.vn", "Chủ tịch"],  # line 8: unknown role
        ["8", "Có Rồi", "", "Chi cục Kiểm lâm", cast.unit_staff.email, ""],  # line 9: already an account
        ["9", "Sai Thư", "", "Chi cục Kiểm lâm", "sai-thu", ""],  # line 10: not an e-mail
    ]
    url = reverse("people:import", args=[cast.department.pk])
    page = planner.post(url, {"file": SimpleUploadedFile("canbo.xlsx", xlsx(bad))})
    html = page.content.decode()
    states = re.findall(r'data-testid="import-row" data-state="(\w+)"', html)
    assert states == ["ok", "ok", "ok", "error", "error", "error", "error", "error", "error"]
    for text in ("không thuộc Sở NN&amp;PTNT", "thiếu họ và tên", "trùng với dòng 2", "«Chủ tịch» không rõ",
                 "đã có tài khoản", "«sai-thu» không hợp lệ"):  # fmt: skip
        assert text in html, text
    assert 'data-testid="import-confirm"' not in html
    assert User.objects.count() == 6  # the cast only


def test_a_clean_sheet_of_people_is_invited_at_once(
    planner: Client, cast: Cast, django_capture_on_commit_callbacks
) -> None:
    url = reverse("people:import", args=[cast.department.pk])
    page = planner.post(url, {"file": SimpleUploadedFile("canbo.xlsx", xlsx(PEOPLE))})
    payload = re.search(r'name="payload" value="([^"]+)"', page.content.decode())
    assert payload
    with django_capture_on_commit_callbacks(execute=True):
        done = planner.post(url, {"action": "confirm", "payload": payload.group(1)})
    assert done.status_code == 302
    roles = dict(Membership.objects.filter(user__email__endswith="@example.vn", user__username__in=["nam.hv", "mai.lt", "son.vv"]).values_list("user__username", "role"))  # fmt: skip
    assert roles == {"nam.hv": Role.UNIT_STAFF, "mai.lt": Role.PLANNING_FINANCE, "son.vv": Role.UNIT_STAFF}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mai.lt@example.vn",
        "nam.hv@example.vn",
        "son.vv@example.vn",
    ]
    # A payload tampered with is refused.
    forged = planner.post(url, {"action": "confirm", "payload": payload.group(1)[:-3] + "abc"})
    assert forged.status_code == 400


def test_someone_leaving_hands_open_work_to_a_colleague(planner: Client, cast: Cast) -> None:
    plan = make_plan(cast, tasks=2)
    plan.status = "active"
    plan.save()
    periods_generate(plan=plan)
    period = plan.periods.order_by("ends_on").first()
    assert period is not None
    leaver = cast.unit_staff
    colleague = User.objects.create_user(
        "kiemlam2", "kl2@example.vn", PASSWORD, first_name="Hà", last_name="Văn Hai"
    )
    Membership.objects.create(user=colleague, organisation=cast.forest_unit, role=Role.UNIT_STAFF)
    Official.objects.create(full_name="Hà Văn Hai", organisation=cast.forest_unit, user=colleague)
    leaver_official = Official.objects.create(
        full_name="Hoàng Văn Lâm", organisation=cast.forest_unit, user=leaver
    )
    task = plan.tasks.get(code="1")
    draft = ProgressReport.objects.create(
        task=task, period=period, organisation=cast.forest_unit, created_by=leaver
    )
    accepted = ProgressReport.objects.create(
        task=plan.tasks.get(code="2"), period=period, organisation=cast.rural_unit, created_by=leaver,
        status=ReportStatus.ACCEPTED,
    )  # fmt: skip
    step = RoadmapStep.objects.create(
        task=task, title="Khảo sát", due=dt.date(2023, 3, 1), responsible=leaver_official
    )
    done_step = RoadmapStep.objects.create(
        task=task,
        title="Lập dự toán",
        due=dt.date(2023, 2, 1),
        responsible=leaver_official,
        done_on=dt.date(2023, 2, 1),
        order=2,
    )
    leaver_client = Client()
    leaver_client.force_login(leaver)
    url = reverse("people:deactivate", args=[cast.department.pk, leaver.pk])
    unconfirmed = planner.post(url, {"successor": colleague.pk})
    assert unconfirmed.status_code == 400 and User.objects.get(pk=leaver.pk).is_active
    nobody = planner.post(url, {"confirm": "on"})
    assert nobody.status_code == 400 and "chọn người nhận bàn giao" in nobody.content.decode()
    done = planner.post(url, {"successor": colleague.pk, "confirm": "on"})
    assert done.status_code == 302
    leaver.refresh_from_db()
    assert not leaver.is_active and not Membership.objects.filter(user=leaver).exists()
    draft.refresh_from_db()
    accepted.refresh_from_db()
    step.refresh_from_db()
    done_step.refresh_from_db()
    assert (
        draft.created_by == colleague and accepted.created_by == leaver
    )  # accepted reports keep their author
    assert step.responsible is not None and step.responsible.user == colleague
    assert done_step.responsible == leaver_official
    assert not Official.objects.get(pk=leaver_official.pk).is_active
    assert leaver_client.get(reverse("reporting:my-tasks")).status_code == 302  # signed out
    assert not Client().login(username=leaver.username, password=PASSWORD)
    page = planner.get(reverse("people:agency", args=[cast.department.pk])).content.decode()
    assert 'data-state="left"' in page


def test_nobody_manages_accounts_outside_their_agency(client: Client, cast: Cast) -> None:
    from nhiemvu.testing import build_far_planner

    far_planner, _ = build_far_planner()
    targets = [
        reverse("people:agency", args=[cast.department.pk]),
        reverse("people:add", args=[cast.department.pk]),
        reverse("people:import", args=[cast.department.pk]),
        reverse("people:person", args=[cast.department.pk, cast.unit_staff.pk]),
    ]
    for user in (cast.unit_staff, cast.director, cast.deputy, cast.reviewer, cast.outsider, far_planner):
        client.force_login(user)
        for url in targets:
            assert client.get(url).status_code == 404, (user, url)
        assert client.post(reverse("people:deactivate", args=[cast.department.pk, cast.unit_staff.pk]),
                           {"confirm": "on"}).status_code == 404  # fmt: skip
    assert User.objects.get(pk=cast.unit_staff.pk).is_active
    # Planning-Finance cannot reach a person of another agency through its own agency's address.
    client.force_login(cast.planning_finance)
    assert (
        client.get(reverse("people:person", args=[cast.department.pk, cast.outsider.pk])).status_code == 404
    )


def test_the_navigation_offers_people_to_planning_finance_only(client: Client, cast: Cast) -> None:
    for user, shown in ((cast.planning_finance, True), (cast.unit_staff, False), (cast.director, False)):
        client.force_login(user)
        assert (
            'data-testid="nav-people"' in client.get(reverse("plans:plan-list")).content.decode()
        ) is shown
