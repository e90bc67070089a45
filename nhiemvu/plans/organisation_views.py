"""The organisation pages: a body, its officials, its history, and the tasks it leads or supports.

They live with the plans because they show tasks; `organisations` itself knows nothing of plans.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render

from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.organisations.selectors import organisations_visible_to

from .selectors import organisation_tasks


@login_required
def organisation_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisations = (
        organisations_visible_to(request.user).select_related("parent").order_by("parent_id", "name")
    )
    return render(request, "organisations/organisation_list.html", {"organisations": organisations})


@login_required
def organisation_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    organisation = get_object_or_404(organisations_visible_to(request.user).select_related("parent"), pk=pk)
    return render(
        request,
        "organisations/organisation_detail.html",
        {
            "organisation": organisation,
            "tasks": organisation_tasks(request.user, organisation),
            "officials": organisation.officials.order_by("full_name"),
            "successions": organisation.successions.select_related("successor"),
            "predecessions": organisation.predecessions.select_related("predecessor"),
        },
    )
