"""Sign-in with the province's LDAP directory: a real Debian slapd (conftest.slapd), nhiemvu
configured through the same environment variables a province sets, and the real login page."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.test import Client

from nhiemvu.organisations.models import Membership, Official, Role
from nhiemvu.signin.models import DirectoryGrant, DirectorySource
from nhiemvu.testing import PASSWORD, Cast

from .conftest import BASE, KHTC_DN, KIEMLAM_DN, LDAP_PASSWORDS, Directory, free_port

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str) -> Any:
    return client.post("/login/", {"username": username, "password": password}, follow=True)


def signed_in_as(client: Client) -> str | None:
    response = client.get("/account/")
    return response.context["user"].get_username() if response.status_code == 200 else None


def test_a_directory_user_signs_in_with_the_directory_password_and_gets_the_mapped_role(
    client: Client, cast: Cast, directory: Directory
) -> None:
    response = sign_in(client, "lan", LDAP_PASSWORDS["lan"])

    assert response.redirect_chain[-1][0].endswith("/plans/")
    assert signed_in_as(client) == "lan"
    lan = User.objects.get(username="lan")
    assert (lan.first_name, lan.last_name, lan.email) == ("Nguyễn Thị", "Lan", "lan@snn.example.vn")
    assert not lan.has_usable_password()  # the directory holds the password, nhiemvu does not
    assert list(Membership.objects.filter(user=lan).values_list("organisation", "role")) == [
        (cast.forest_unit.pk, Role.UNIT_STAFF)
    ]
    grant = DirectoryGrant.objects.get(user=lan)
    assert (grant.source, grant.group, grant.ended_at) == (DirectorySource.LDAP, KIEMLAM_DN, None)
    official = Official.objects.get(user=lan)
    assert (official.full_name, official.organisation, official.position, official.email) == (
        "Nguyễn Thị Lan",
        cast.forest_unit,
        "Kiểm lâm viên",
        "lan@snn.example.vn",
    )


def test_a_group_dn_written_with_other_case_and_spaces_in_the_map_still_matches(
    client: Client, cast: Cast, directory: Directory
) -> None:
    sign_in(client, "khoa", LDAP_PASSWORDS["khoa"])

    assert signed_in_as(client) == "khoa"
    membership = Membership.objects.get(user__username="khoa")
    assert (membership.organisation, membership.role) == (
        cast.planning_finance_division,
        Role.PLANNING_FINANCE,
    )
    assert DirectoryGrant.objects.get(user__username="khoa").group == KHTC_DN


def test_a_wrong_directory_password_is_refused_and_creates_no_account(
    client: Client, cast: Cast, directory: Directory
) -> None:
    response = sign_in(client, "lan", "not-the-password")

    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    assert signed_in_as(client) is None
    assert not User.objects.filter(username="lan").exists()


def test_a_person_in_no_mapped_group_is_refused_with_a_message_that_says_why(
    client: Client, cast: Cast, directory: Directory
) -> None:
    response = sign_in(client, "ngoai", LDAP_PASSWORDS["ngoai"])

    assert signed_in_as(client) is None
    assert "chưa được gán vai trò nào trong nhiemvu" in response.content.decode()
    assert not Membership.objects.filter(user__username="ngoai").exists()


def test_leaving_a_group_ends_its_role_at_the_next_sign_in_and_keeps_the_roles_given_by_hand(
    client: Client, cast: Cast, directory: Directory
) -> None:
    import ldap

    sign_in(client, "tam", LDAP_PASSWORDS["tam"])
    tam = User.objects.get(username="tam")
    assert Membership.objects.filter(user=tam, organisation=cast.forest_unit, role=Role.UNIT_STAFF).exists()
    # Planning-Finance gives Tâm a second role by hand, in nhiemvu.
    Membership.objects.create(user=tam, organisation=cast.rural_unit, role=Role.UNIT_STAFF)
    client.post("/logout/")

    member = [f"uid=tam,ou=people,{BASE}".encode()]
    directory.modify(KIEMLAM_DN, [(ldap.MOD_DELETE, "member", member)])
    try:
        sign_in(client, "tam", LDAP_PASSWORDS["tam"])
    finally:
        directory.modify(KIEMLAM_DN, [(ldap.MOD_ADD, "member", member)])

    assert signed_in_as(client) == "tam"  # the role given by hand still lets Tâm in
    assert list(Membership.objects.filter(user=tam).values_list("organisation", "role")) == [
        (cast.rural_unit.pk, Role.UNIT_STAFF)
    ]
    grant = DirectoryGrant.objects.get(user=tam)
    assert grant.ended_at is not None

    # Back in the group: the role comes back at the next sign-in, under a new grant.
    client.post("/logout/")
    sign_in(client, "tam", LDAP_PASSWORDS["tam"])
    assert Membership.objects.filter(user=tam, organisation=cast.forest_unit).exists()
    assert DirectoryGrant.objects.filter(user=tam).count() == 2
    assert DirectoryGrant.objects.filter(user=tam, ended_at__isnull=True).count() == 1


def test_leaving_the_only_group_ends_the_role_and_refuses_the_sign_in(
    client: Client, cast: Cast, directory: Directory
) -> None:
    import ldap

    sign_in(client, "tam", LDAP_PASSWORDS["tam"])
    client.post("/logout/")
    member = [f"uid=tam,ou=people,{BASE}".encode()]
    directory.modify(KIEMLAM_DN, [(ldap.MOD_DELETE, "member", member)])
    try:
        response = sign_in(client, "tam", LDAP_PASSWORDS["tam"])
    finally:
        directory.modify(KIEMLAM_DN, [(ldap.MOD_ADD, "member", member)])

    assert signed_in_as(client) is None
    assert "chưa được gán vai trò nào trong nhiemvu" in response.content.decode()
    assert not Membership.objects.filter(user__username="tam").exists()
    assert DirectoryGrant.objects.get(user__username="tam").ended_at is not None


def test_a_role_given_by_hand_is_not_recorded_as_the_directorys(
    client: Client, cast: Cast, directory: Directory
) -> None:
    lan = User.objects.create_user("lan")
    Membership.objects.create(user=lan, organisation=cast.forest_unit, role=Role.UNIT_STAFF)

    sign_in(client, "lan", LDAP_PASSWORDS["lan"])

    assert signed_in_as(client) == "lan"
    assert Membership.objects.filter(user=lan).count() == 1
    assert not DirectoryGrant.objects.filter(user=lan).exists()  # so no sign-in will ever end it


def test_a_local_account_still_signs_in_with_its_own_password(
    client: Client, cast: Cast, directory: Directory
) -> None:
    sign_in(client, "giamdoc", PASSWORD)

    assert signed_in_as(client) == "giamdoc"


def test_a_local_superuser_is_not_taken_over_by_a_directory_entry_of_the_same_name(
    client: Client, cast: Cast, directory: Directory
) -> None:
    User.objects.create_superuser("khoa", "admin@example.vn", "local-admin-password-2023")

    sign_in(client, "khoa", LDAP_PASSWORDS["khoa"])
    assert signed_in_as(client) is None

    sign_in(client, "khoa", "local-admin-password-2023")
    assert signed_in_as(client) == "khoa"


def test_when_the_directory_is_down_the_person_is_told_so_and_local_accounts_still_work(
    client: Client, cast: Cast, directory: Directory, settings: Any
) -> None:
    settings.AUTH_LDAP_SERVER_URI = f"ldap://127.0.0.1:{free_port()}"  # nothing listens there

    response = sign_in(client, "lan", LDAP_PASSWORDS["lan"])

    assert response.status_code == 200
    page = response.content.decode()
    assert "Không kết nối được với danh bạ (LDAP) của tỉnh" in page
    assert "Traceback" not in page
    assert signed_in_as(client) is None

    sign_in(client, "giamdoc", PASSWORD)
    assert signed_in_as(client) == "giamdoc"


def test_wrong_directory_passwords_are_throttled_like_local_ones(
    client: Client, cast: Cast, directory: Directory, settings: Any
) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "lan", "guess")

    response = sign_in(client, "lan", LDAP_PASSWORDS["lan"])

    assert signed_in_as(client) is None
    assert response.status_code in (403, 429)


def test_the_official_a_plan_already_names_becomes_the_person_who_signs_in(
    client: Client, cast: Cast, directory: Directory
) -> None:
    named = Official.objects.create(
        full_name="Phạm Minh Khoa", position="Trưởng phòng", organisation=cast.planning_finance_division
    )

    sign_in(client, "khoa", LDAP_PASSWORDS["khoa"])

    named.refresh_from_db()
    assert named.user == User.objects.get(username="khoa")
    assert (named.position, named.email) == ("Chuyên viên", "khoa@snn.example.vn")  # the directory's say
    assert Official.objects.filter(full_name="Phạm Minh Khoa").count() == 1


def test_signing_in_again_changes_nothing_when_the_directory_has_not_changed(
    client: Client, cast: Cast, directory: Directory
) -> None:
    sign_in(client, "lan", LDAP_PASSWORDS["lan"])
    client.post("/logout/")
    before = list(Membership.objects.filter(user__username="lan").values_list("pk", "updated_at"))

    sign_in(client, "lan", LDAP_PASSWORDS["lan"])

    assert list(Membership.objects.filter(user__username="lan").values_list("pk", "updated_at")) == before
    assert DirectoryGrant.objects.filter(user__username="lan").count() == 1
