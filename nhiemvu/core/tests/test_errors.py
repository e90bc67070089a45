"""What a person sees when the server fails: never a traceback; a lost database says to retry."""

from __future__ import annotations

import json

import pytest
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory

from nhiemvu.core.views import server_error
from nhiemvu.testing import Cast


def fail_with(exc: Exception, path: str) -> HttpResponse:
    request = RequestFactory().get(path)
    try:
        raise exc
    except Exception:
        return server_error(request)


def test_a_lost_database_connection_is_a_503_asking_to_retry_in_both_languages() -> None:
    response = fail_with(OperationalError("server closed the connection unexpectedly"), "/reporting/")
    html = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Dữ liệu chưa được lưu" in html and "please try again" in html
    assert "Traceback" not in html and "OperationalError" not in html


def test_the_api_gets_the_same_as_json_with_a_stable_code() -> None:
    response = fail_with(
        OperationalError("terminating connection due to administrator command"), "/api/v1/reports"
    )
    body = json.loads(response.content)
    assert response.status_code == 503
    assert body["code"] == "database_unavailable" and body["message_en"].startswith("The database")


@pytest.mark.parametrize("path", ["/plans/", "/api/v1/plans"])
def test_any_other_failure_is_a_plain_500_without_details(path: str) -> None:
    response = fail_with(ZeroDivisionError("secret internals"), path)
    assert response.status_code == 500
    assert "secret internals" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("logged_in", [False, True], ids=["anonymous", "logged in"])
def test_an_unknown_address_is_a_404_page_in_the_users_language(
    client: Client, cast: Cast, logged_in: bool
) -> None:
    if logged_in:
        client.force_login(cast.unit_staff)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert 'data-testid="not-found"' in html and "Trang này không có, hoặc bạn không có quyền xem." in html
    client.cookies["django_language"] = "en"  # picked in the header; the browser's language is not asked
    english = client.get("/khong-co-trang-nay/").content.decode()
    assert "This page does not exist, or you may not see it." in english
