"""Sign-in with the province's OpenID Connect provider: a real one (django-oauth-toolkit, in its own
process, conftest.oidc_provider), nhiemvu's real login page, Chromium doing the round trip."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import pytest
from django.contrib.auth.models import User
from django.test import Client
from playwright.sync_api import expect

from nhiemvu.organisations.models import Membership, Official, Role
from nhiemvu.signin.models import DirectoryGrant, DirectorySource
from nhiemvu.testing import build_cast, make_plan

from .conftest import Provider
from .oidc_provider import PEOPLE

if TYPE_CHECKING:
    from playwright.sync_api import Page

BUTTON = "Đăng nhập bằng tài khoản của tỉnh"


def through_the_provider(page: Page, username: str) -> None:
    page.goto("/login/")
    page.get_by_role("button", name=BUTTON).click()
    expect(page.get_by_role("heading", name="Cổng xác thực của tỉnh")).to_be_visible()
    page.get_by_label("Tài khoản").fill(username)
    page.get_by_label("Mật khẩu").fill(PEOPLE[username][0])
    page.get_by_role("button", name="Xác thực").click()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_unit_officer_signs_in_through_the_province_provider_and_sees_the_units_plans(
    page: Page, province_provider: Provider
) -> None:
    cast = build_cast()
    plan = make_plan(cast, tasks=1)

    through_the_provider(page, "hoa")

    expect(page).to_have_url(re.compile(r"^http://localhost:\d+/plans/$"))
    expect(page.get_by_role("link", name=plan.title)).to_be_visible()
    hoa = User.objects.get(username="hoa")
    assert (hoa.get_full_name(), hoa.email) == ("Vũ Thị Hoa", "hoa@snn.example.vn")
    assert list(Membership.objects.filter(user=hoa).values_list("organisation", "role")) == [
        (cast.forest_unit.pk, Role.UNIT_STAFF)
    ]
    grant = DirectoryGrant.objects.get(user=hoa)
    assert (grant.source, grant.group) == (DirectorySource.OIDC, "SNN-KiemLam")
    assert Official.objects.get(user=hoa).organisation == cast.forest_unit

    page.get_by_role("button", name="Đăng xuất").click()
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_someone_in_no_mapped_group_comes_back_refused_with_the_reason(
    page: Page, province_provider: Provider
) -> None:
    build_cast()

    through_the_provider(page, "binh")

    expect(page.get_by_text("chưa được gán vai trò nào trong nhiemvu")).to_be_visible()
    expect(page.get_by_role("button", name=BUTTON)).to_be_visible()
    assert not Membership.objects.filter(user__username="binh").exists()


@pytest.fixture
def configured(settings: Any) -> None:
    """The provider's settings without the provider: for what nhiemvu decides on its own."""
    from nhiemvu.signin.config import directory_settings

    found = directory_settings(
        {
            "OIDC_RP_CLIENT_ID": "nhiemvu",
            "OIDC_RP_CLIENT_SECRET": "secret",
            "OIDC_OP_AUTHORIZATION_ENDPOINT": "https://sso.example.vn/authorize",
            "OIDC_OP_TOKEN_ENDPOINT": "https://sso.example.vn/token",
            "OIDC_OP_USER_ENDPOINT": "https://sso.example.vn/userinfo",
            "OIDC_OP_JWKS_ENDPOINT": "https://sso.example.vn/jwks",
        }
    )
    for name, value in found.settings.items():
        setattr(settings, name, value)
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, *found.backends]


@pytest.mark.django_db
def test_without_openid_settings_there_is_no_button_and_no_round_trip(client: Client) -> None:
    assert BUTTON not in client.get("/login/").content.decode()
    assert client.get("/signin/oidc/start/").status_code == 404
    assert client.get("/signin/oidc/callback/?code=x&state=y").status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("configured")
def test_the_button_leads_to_the_provider_with_state_nonce_and_pkce(client: Client) -> None:
    page = client.get("/login/?next=/reporting/").content.decode()
    assert BUTTON in page

    response = client.get("/signin/oidc/start/?next=/reporting/")

    assert response.status_code == 302
    location = response["Location"]
    assert location.startswith("https://sso.example.vn/authorize?")
    for part in ("state=", "nonce=", "code_challenge=", "code_challenge_method=S256", "client_id=nhiemvu"):
        assert part in location
    assert "redirect_uri=http%3A%2F%2Ftestserver%2Fsignin%2Foidc%2Fcallback%2F" in location


@pytest.mark.django_db
@pytest.mark.usefixtures("configured")
def test_a_callback_with_a_state_this_browser_never_started_lands_on_the_login_page_with_a_reason(
    client: Client,
) -> None:
    client.get("/signin/oidc/start/")

    response = client.get("/signin/oidc/callback/?code=stolen&state=forged", follow=True)

    assert response.redirect_chain[-1][0] == "/login/"
    assert "đã hết hạn hoặc không hợp lệ" in response.content.decode()
    assert not response.context["user"].is_authenticated


@pytest.mark.django_db
@pytest.mark.usefixtures("configured")
def test_a_sign_in_the_person_declined_at_the_provider_lands_on_the_login_page(client: Client) -> None:
    start = client.get("/signin/oidc/start/")
    state = start["Location"].split("state=")[1].split("&")[0]

    response = client.get(f"/signin/oidc/callback/?error=access_denied&state={state}", follow=True)

    assert response.redirect_chain[-1][0] == "/login/"
    assert "Không đăng nhập được bằng tài khoản của tỉnh" in response.content.decode()
    assert state not in client.session.get("oidc_states", {})  # the state cannot be replayed
