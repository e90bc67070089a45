"""Passwords (issue 21, item 3; ASVS V2): length over composition, common and locally common choices
refused from lists shipped with the project, guessing throttled on every form that checks a
password or sends a reset, and nothing told about who has an account."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.contrib.auth import password_validation
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from nhiemvu.core import account_views
from nhiemvu.testing import PASSWORD, Cast


@pytest.mark.parametrize(
    "password",
    [
        "Matkhau@2026!",
        "Mật khẩu 2026!!",
        "anh yeu em 123456",
        "Vietnam@19751975",
        "Admin@123456789",
        "!@#$%^&*()12",
        "ngan-qua",
        "password1234567",
    ],
)
def test_common_and_short_passwords_are_refused(password: str) -> None:
    with pytest.raises(ValidationError):
        password_validation.validate_password(password)


@pytest.mark.parametrize(
    "password", ["mot cau dai de nho 2026", "Trồng rừng 8.650 ha năm 2023", "xanh la cay lang son"]
)
def test_long_passwords_without_symbols_are_accepted(password: str) -> None:
    password_validation.validate_password(password)


def _wait_for_senders() -> None:
    for sender in list(account_views.RESET_SENDERS):
        sender.join(timeout=10)


@pytest.mark.django_db
def test_guessing_the_current_password_on_the_change_page_is_throttled(cast: Cast, settings: Any) -> None:
    client = Client()
    client.force_login(cast.planning_finance)
    url = reverse("account:password-change")
    new = {"new_password1": "mot cau dai de nho 2026", "new_password2": "mot cau dai de nho 2026"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        page = client.post(url, {"old_password": f"sai-{n}", **new}).content.decode()
        assert "quá nhiều lần" not in page
    page = client.post(url, {"old_password": PASSWORD, **new}).content.decode()
    assert "Đã nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau 15 phút." in page
    assert User.objects.get(pk=cast.planning_finance.pk).check_password(PASSWORD)


@pytest.mark.django_db(transaction=True)
def test_a_reset_answers_the_same_for_a_known_and_an_unknown_address_and_the_link_works(
    cast: Cast, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NHIEMVU_SITE_URL = "https://nhiemvu.example.gov.vn"
    mail.outbox = []
    elsewhere = Client()  # signed in before the reset (a sign-in later would void the link, as it should)
    elsewhere.force_login(cast.planning_finance)
    known = Client(REMOTE_ADDR="10.0.0.7").post(
        reverse("account:password-reset"), {"email": "khtc@example.vn"}
    )
    unknown = Client(REMOTE_ADDR="10.0.0.8").post(
        reverse("account:password-reset"), {"email": "ai@example.vn"}
    )
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.content == unknown.content
    _wait_for_senders()
    [message] = mail.outbox
    assert message.to == ["khtc@example.vn"] and "khtc" in message.body
    link = re.search(r"https://nhiemvu\.example\.gov\.vn(/account/password/reset/\S+)", str(message.body))
    assert link is not None

    client = Client()
    form_url = client.get(link.group(1), follow=True).redirect_chain[-1][0]
    new = "mot cau dai de nho 2026"
    done = client.post(form_url, {"new_password1": new, "new_password2": new}, follow=True)
    assert 'data-testid="password-reset-complete"' in done.content.decode()
    assert "vừa được đổi" in str(mail.outbox[-1].body), "the person is told the password changed"
    assert Client().login(username="khtc", password=new)
    assert elsewhere.get("/plans/").status_code == 302, "the sessions of the old password ended"
    again = client.get(link.group(1), follow=True).content.decode()
    assert 'data-testid="reset-link-invalid"' in again, "the link works once"


@pytest.mark.django_db(transaction=True)
def test_reset_requests_are_throttled_per_address_and_per_email_without_saying_so(
    cast: Cast, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    answers = set()
    for n in range(settings.AXES_FAILURE_LIMIT + 2):
        response = Client(REMOTE_ADDR=f"10.0.1.{n}").post(
            reverse("account:password-reset"), {"email": "khtc@example.vn"}
        )
        answers.add((response.status_code, response["Location"]))
    _wait_for_senders()
    assert len(answers) == 1, "the same answer every time"
    assert len(mail.outbox) == settings.AXES_FAILURE_LIMIT, "no more mails than the limit to one person"


@pytest.mark.django_db
def test_sign_in_says_the_same_for_an_unknown_name_and_a_wrong_password(cast: Cast) -> None:
    def refusal(username: str) -> str:
        html = (
            Client()
            .post(reverse("login"), {"username": username, "password": "sai-mat-khau-12"})
            .content.decode()
        )
        # The CSRF tokens differ and the typed name is kept in the field; nothing else may differ.
        return re.sub(r"[A-Za-z0-9]{64}", "", html).replace(f'value="{username}"', "")

    assert refusal("khtc") == refusal("khong-co-ai")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in refusal("khtc")
