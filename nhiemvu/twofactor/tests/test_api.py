"""The REST API authenticates each request by its token: two-factor sign-in does not stand in its way."""

from __future__ import annotations

import pytest
from django.test import Client

from nhiemvu.api.services import api_token_create
from nhiemvu.organisations.models import Role
from nhiemvu.twofactor import services

from .conftest import enrol

pytestmark = pytest.mark.django_db


def test_api_tokens_work_for_people_with_two_factor_and_for_those_required_to_enrol(cast) -> None:
    enrol(cast.planning_finance)
    services.policy_set(actor=cast.planning_finance, agency=cast.department, roles=[Role.DIRECTOR])
    for user in (cast.planning_finance, cast.director):
        _, token = api_token_create(user=user, name="Tích hợp", scope="read")
        response = Client().get("/api/v1/plans", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.content[:300]
