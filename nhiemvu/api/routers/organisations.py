"""Organisations the user can see, and who the token is."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Query, Router

from nhiemvu.ingest.selectors import user_may_import
from nhiemvu.organisations.selectors import access_scope, organisations_visible_to

from ..builders import organisation_out
from ..pagination import paginate
from ..schemas import Id, MeOut, OrganisationFilter, OrganisationOut, Page
from .common import READ_ERRORS, ApiRequest, token_of

router = Router(tags=["organisations"])


@router.get("/me", response={200: MeOut, **READ_ERRORS}, summary="The token's user and what it may do")
def me(request: ApiRequest) -> dict[str, Any]:
    user = request.user
    token = token_of(request)
    return {
        "user": user.get_username(),
        "full_name": user.get_full_name(),
        "token": token.name,
        "scope": token.scope,
        "roles": sorted(access_scope(user).roles),
        "may_import": user_may_import(user),
    }


@router.get("/organisations", response={200: Page[OrganisationOut], **READ_ERRORS})
def organisation_list(request: ApiRequest, filters: Query[OrganisationFilter]) -> dict[str, Any]:
    organisations = organisations_visible_to(request.user).order_by("name", "pk")
    organisations = filters.filter(organisations)
    return paginate(request, organisations, filters, lambda rows: [organisation_out(o) for o in rows])


@router.get("/organisations/{organisation_id}", response={200: OrganisationOut, **READ_ERRORS})
def organisation_detail(request: ApiRequest, organisation_id: Id) -> dict[str, Any]:
    return organisation_out(get_object_or_404(organisations_visible_to(request.user), pk=organisation_id))
