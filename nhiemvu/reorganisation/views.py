"""/organisations/changes/: the list of mergers and renames, the two forms, the preview, the confirmation.

Each form posts twice: first to preview (what would move, or why it can't be done), then, from
the preview, with `confirm` to carry it out. Nothing is kept between the two posts but the form's
own fields, so the preview is always of what the confirmation will do.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest

from . import selectors, services
from .errors import ReorganisationNotAllowedError
from .forms import MergeForm, RenameForm
from .selectors import Authority, authority_of


def _authority(request: AuthenticatedHttpRequest) -> Authority:
    """The user's authority; a user who may reorganise nothing does not learn the pages exist."""
    authority = authority_of(request.user)
    if authority.is_empty:
        raise Http404
    return authority


@require_GET
@login_required
def change_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    authority = _authority(request)
    return render(
        request,
        "reorganisation/succession_list.html",
        {"changes": selectors.successions_visible_to(request.user, authority)},
    )


def _done(request: AuthenticatedHttpRequest, result: services.Reorganisation) -> HttpResponse:
    t = result.transfer
    messages.success(
        request,
        _(
            "Đã ghi nhận thay đổi. Chuyển sang %(name)s: %(tasks)s nhiệm vụ đang thực hiện, %(reports)s báo cáo "
            "chưa gửi, %(accounts)s tài khoản, %(children)s đơn vị trực thuộc."
        )
        % {
            "name": result.successor.name,
            "tasks": t.tasks,
            "reports": len(t.reports),
            "accounts": t.accounts,
            "children": len(t.children),
        },
    )
    return redirect(reverse("organisations:organisation-detail", args=[result.successor.pk]))


@login_required
def merge(request: AuthenticatedHttpRequest) -> HttpResponse:
    authority = _authority(request)
    form = MergeForm(request.POST or None, authority=authority)
    if request.method != "POST" or "edit" in request.POST or not form.is_valid():
        return render(request, "reorganisation/merge_form.html", {"form": form})
    predecessors = form.predecessor_bodies()
    successor = form.successor_body()
    parent = form.parent_body()
    day = form.cleaned_data["effective_on"]
    if "confirm" in request.POST:
        data = form.cleaned_data
        new_body = None
        if successor is None:
            new_body = services.NewBody(
                name=data["new_name"], kind=data["new_kind"], parent=parent, short_name=data["new_short_name"]
            )
        try:
            result = services.organisation_merge(
                predecessors=predecessors,
                successor=successor,
                new_body=new_body,
                effective_on=day,
                decision=data["decision"],
                user=request.user,
            )
        except ReorganisationNotAllowedError as exc:
            raise PermissionDenied(exc.localized_message) from exc
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
            return render(request, "reorganisation/merge_form.html", {"form": form})
        return _done(request, result)
    preview = selectors.change_preview(
        authority, predecessors=predecessors, successor=successor, new_parent=parent, day=day
    )
    return render(
        request,
        "reorganisation/change_preview.html",
        {
            "form": form,
            "preview": preview,
            "predecessors": predecessors,
            "successor_name": successor.name if successor else form.cleaned_data["new_name"],
            "is_new": successor is None,
            "action": reverse("reorganisation:merge"),
            "day": day,
        },
    )


@login_required
def rename(request: AuthenticatedHttpRequest) -> HttpResponse:
    authority = _authority(request)
    form = RenameForm(request.POST or None, authority=authority)
    if request.method != "POST" or "edit" in request.POST or not form.is_valid():
        return render(request, "reorganisation/rename_form.html", {"form": form})
    body = form.organisation_body()
    if body is None:
        raise Http404
    data = form.cleaned_data
    day = data["effective_on"]
    if "confirm" in request.POST:
        try:
            result = services.organisation_rename(
                organisation=body,
                name=data["name"],
                short_name=data["short_name"],
                aliases=form.alias_list(),
                effective_on=day,
                decision=data["decision"],
                user=request.user,
            )
        except ReorganisationNotAllowedError as exc:
            raise PermissionDenied(exc.localized_message) from exc
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
            return render(request, "reorganisation/rename_form.html", {"form": form})
        return _done(request, result)
    preview = selectors.change_preview(
        authority, predecessors=[body], successor=None, new_parent=body.parent, day=day
    )
    if " ".join(data["name"].split()) == body.name:
        preview.problems.append(_("Tên mới trùng với tên hiện tại «%(name)s».") % {"name": body.name})
    return render(
        request,
        "reorganisation/change_preview.html",
        {
            "form": form,
            "preview": preview,
            "predecessors": [body],
            "successor_name": data["name"],
            "is_new": True,
            "renaming": True,
            "action": reverse("reorganisation:rename"),
            "day": day,
        },
    )
