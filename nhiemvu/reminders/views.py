"""Notification list and read marks, e-mail preference, calendar feeds and the public .ics endpoint."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest

from . import selectors, services
from .ical import render_calendar
from .models import EmailMode


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(default)


@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    page = Paginator(selectors.notifications_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/notification_list.html",
        {
            "page": page,
            "notifications": page.object_list,
            "email_mode": selectors.email_mode_of(request.user),
            "email_modes": EmailMode.choices,
        },
    )


@login_required
@require_POST
def notification_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get(request.user, pk)
    services.notification_mark_read(notification=notification, user=request.user)
    if request.POST.get("open") and notification.url:
        return redirect(notification.url)
    return _back(request, reverse("reminders:notification-list"))


@login_required
@require_POST
def notification_read_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = services.notifications_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext(
            "Đã đánh dấu %(count)d thông báo là đã đọc.", "Đã đánh dấu %(count)d thông báo là đã đọc.", count
        )
        % {"count": count},
    )
    return _back(request, reverse("reminders:notification-list"))


@login_required
@require_POST
def preference_update(request: AuthenticatedHttpRequest) -> HttpResponse:
    email = request.POST.get("email", "")
    try:
        services.preference_set(user=request.user, email=email)
    except DomainError as exc:
        messages.error(request, exc.localized_message)
    else:
        messages.success(request, _("Đã lưu cách nhận thư: %(mode)s.") % {"mode": EmailMode(email).label})
    return redirect("reminders:notification-list")


@login_required
def feed_list(request: AuthenticatedHttpRequest, new: dict[str, Any] | None = None) -> HttpResponse:
    new_url = request.build_absolute_uri(reverse("reminders:feed-ics", args=[new["token"]])) if new else ""
    return render(
        request,
        "reminders/feed_list.html",
        {
            "feeds": selectors.feeds_for(request.user),
            "units": selectors.units_of(request.user),
            "new_feed_id": new["id"] if new else None,
            "new_feed_url": new_url,
        },
    )


@login_required
@require_POST
def feed_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    organisation = None
    if request.POST.get("organisation"):
        organisation = get_object_or_404(selectors.units_of(request.user), pk=request.POST["organisation"])
    try:
        feed, token = services.feed_create(user=request.user, organisation=organisation)
    except DomainError as exc:
        messages.error(request, exc.localized_message)
        return redirect("reminders:feed-list")
    # Shown once, in this response, and stored nowhere but as its hash: not in the session either.
    return feed_list(request, new={"id": feed.pk, "token": token})


@login_required
@require_POST
def feed_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    feed = selectors.feed_get(request.user, pk)
    try:
        services.feed_revoke(feed=feed, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.localized_message)
    else:
        messages.success(
            request, _("Đã thu hồi địa chỉ lịch; ứng dụng lịch dùng địa chỉ này sẽ không cập nhật nữa.")
        )
    return redirect("reminders:feed-list")


@never_cache
@require_GET
def feed_ics(request: HttpRequest, token: str) -> HttpResponse:
    """The public calendar: no login (calendar apps can't), the secret token is the credential."""
    if len(token) > 100:
        raise Http404
    feed = selectors.feed_by_token(token)
    services.feed_touch(feed=feed)
    # Calendar apps send whatever Accept-Language they like and nobody's choice is stored:
    # the feed speaks Vietnamese, like the e-mails.
    with translation.override("vi"):
        body = render_calendar(
            selectors.feed_events(feed), name=selectors.feed_name(feed), site_url=services.site_url()
        )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="nhiemvu.ics"'
    # The address is the secret: keep it out of referrers and shared caches.
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response
