"""An agency's policy: which roles must use two-factor sign-in, kept by its Planning-Finance."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from nhiemvu.audit.models import AuditEntry
from nhiemvu.organisations.models import Role
from nhiemvu.testing import PASSWORD, build_far_planner
from nhiemvu.twofactor import services
from nhiemvu.twofactor.models import TwoFactorPolicy

from .conftest import enrol, next_code, sign_in

pytestmark = pytest.mark.django_db


def _require(cast, *roles: str) -> None:
    services.policy_set(actor=cast.planning_finance, agency=cast.department, roles=list(roles))


def test_planning_finance_is_sent_to_enrol_with_the_reason_and_unit_staff_is_not(cast) -> None:
    _require(cast, Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.PLANNING_FINANCE)
    officer = Client()
    sign_in(officer, cast.planning_finance)
    response = officer.get("/plans/")
    assert response["Location"] == "/account/two-factor/enrol/?next=%2Fplans%2F"
    page = officer.get(response["Location"]).content.decode()
    assert (
        "Sở Nông nghiệp và Phát triển nông thôn yêu cầu người giữ vai trò «Phòng Kế hoạch – Tài chính»"
        in page
    )
    assert officer.get("/account/tokens/").status_code == 302
    staff = Client()
    sign_in(staff, cast.unit_staff)
    assert staff.get("/plans/").status_code == 200


def test_a_policy_reaches_a_session_already_open_at_its_next_check(cast) -> None:
    import time_machine
    from django.utils import timezone

    from nhiemvu.twofactor.middleware import RECHECK_SECONDS

    director = Client()
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        sign_in(director, cast.director)
        assert director.get("/plans/").status_code == 200
        _require(cast, Role.DIRECTOR)
        traveller.shift(RECHECK_SECONDS + 1)
        assert director.get("/plans/")["Location"].startswith("/account/two-factor/enrol/")


def test_planning_finance_edits_its_agencys_policy(cast) -> None:
    client = Client()
    sign_in(client, cast.planning_finance)
    assert (
        client.get("/account/two-factor/policy/")["Location"]
        == f"/account/two-factor/policy/{cast.department.pk}/"
    )
    page = client.get(f"/account/two-factor/policy/{cast.department.pk}/").content.decode()
    assert page.count("checked") == 3  # the suggestion: directors and Planning-Finance
    response = client.post(
        f"/account/two-factor/policy/{cast.department.pk}/", {"roles": [Role.DIRECTOR, Role.PLANNING_FINANCE]}
    )
    assert response.status_code == 302
    assert TwoFactorPolicy.objects.get(agency=cast.department).roles == [Role.DIRECTOR, Role.PLANNING_FINANCE]
    entry = AuditEntry.objects.get(content_type__model="twofactorpolicy")
    assert entry.organisation_id == cast.department.pk and entry.actor == cast.planning_finance
    # Its own role now requires it: the officer is sent to enrol.
    assert client.get("/plans/")["Location"].startswith("/account/two-factor/enrol/")


@pytest.mark.parametrize("who", ["outsider", "unit_staff", "director", "far_planner"])
def test_nobody_else_reads_or_changes_an_agencys_policy(cast, who: str) -> None:
    user = build_far_planner()[0] if who == "far_planner" else getattr(cast, who)
    client = Client()
    sign_in(client, user)
    url = f"/account/two-factor/policy/{cast.department.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"roles": [Role.UNIT_STAFF]}).status_code == 404
    assert not TwoFactorPolicy.objects.exists()
    if who != "far_planner":
        assert client.get("/account/two-factor/policy/").status_code == 404


def test_a_superuser_keeps_every_agencys_policy(cast) -> None:
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("quantri", password=PASSWORD)
    client = Client()
    sign_in(client, admin)
    page = client.get("/account/two-factor/policy/").content.decode()
    assert cast.department.name in page and cast.other_department.name in page
    url = f"/account/two-factor/policy/{cast.other_department.pk}/"
    assert client.post(url, {"roles": [Role.UNIT_STAFF]}).status_code == 302
    outsider = Client()
    sign_in(outsider, cast.outsider)
    assert outsider.get("/plans/")["Location"].startswith("/account/two-factor/enrol/")


@override_settings(TWO_FACTOR_REQUIRED_FOR_SUPERUSERS=True)
def test_superusers_can_be_required_to_use_it(cast) -> None:
    from django.contrib.auth.models import User

    admin = User.objects.create_superuser("quantri", password=PASSWORD)
    client = Client()
    sign_in(client, admin)
    response = client.get("/admin/")
    assert response["Location"] == "/account/two-factor/enrol/?next=%2Fadmin%2F"
    assert "quản trị hệ thống phải" in client.get(response["Location"]).content.decode()


def test_it_cannot_be_turned_off_while_the_policy_requires_it(cast) -> None:
    enrolled = enrol(cast.planning_finance)
    _require(cast, Role.PLANNING_FINANCE)
    client = Client()
    sign_in(client, cast.planning_finance)
    client.post("/account/two-factor/verify/", {"code": next_code(enrolled.device)})
    response = client.post("/account/two-factor/turn-off/", {"password": PASSWORD})
    assert response.status_code == 200 and "không tắt được" in response.content.decode()
    assert TOTPDevice.objects.filter(user=cast.planning_finance).exists()


def test_it_is_turned_off_with_the_password_or_a_code(cast) -> None:
    enrolled = enrol(cast.unit_staff)
    client = Client()
    sign_in(client, cast.unit_staff)
    client.post("/account/two-factor/verify/", {"code": next_code(enrolled.device)})
    wrong = client.post("/account/two-factor/turn-off/", {"password": "not the password"})
    assert "không đúng" in wrong.content.decode()
    assert client.post("/account/two-factor/turn-off/", {"password": PASSWORD}).status_code == 302
    assert not TOTPDevice.objects.filter(user=cast.unit_staff).exists()
    assert not StaticDevice.objects.filter(user=cast.unit_staff).exists()
    assert (
        AuditEntry.objects.filter(content_type__model="totpdevice", action=AuditEntry.Action.DELETE).count()
        == 1
    )
    # No device: the next sign-in asks for nothing more.
    again = Client()
    sign_in(again, cast.unit_staff)
    assert again.get("/plans/").status_code == 200
    # With a code instead of the password.
    enrolled = enrol(cast.unit_staff)
    services.twofactor_disable(user=cast.unit_staff, code=next_code(enrolled.device))
    assert not TOTPDevice.objects.filter(user=cast.unit_staff).exists()


def test_a_policy_names_only_roles_held_in_an_agency(cast) -> None:
    from nhiemvu.twofactor.errors import TwoFactorError

    with pytest.raises(TwoFactorError, match="không thuộc cơ quan"):
        services.policy_set(
            actor=cast.planning_finance, agency=cast.department, roles=[Role.PROVINCIAL_REVIEWER]
        )
    with pytest.raises(TwoFactorError):
        services.policy_set(actor=cast.planning_finance, agency=cast.department, roles=["admin"])
    assert not TwoFactorPolicy.objects.exists()
