"""The signed-in person's own account: their sessions (ended one by one or all at once) and password."""

from __future__ import annotations

import threading
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import connections
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import sessions
from .http import AuthenticatedHttpRequest, client_address
from .throttle import count_attempt, throttled


@login_required
def account(request: AuthenticatedHttpRequest) -> HttpResponse:
    return render(
        request,
        "core/account.html",
        {"sessions": sessions.sessions_of(request.user), "current": request.session.session_key},
    )


@login_required
@require_POST
def session_end(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """End one of the user's other sessions (a computer at the office left signed in)."""
    row = sessions.sessions_of(request.user).filter(pk=pk).exclude(session_key=request.session.session_key)
    key = row.values_list("session_key", flat=True).first()
    if key is None:
        raise Http404
    sessions.session_end(request.user, key)
    messages.success(request, _("Đã đăng xuất phiên đó."))
    return redirect("account:account")


@login_required
@require_POST
def sessions_end_all(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Sign out everywhere: every other session ends; with `everywhere`, this one too."""
    count = sessions.sessions_end(request.user, keep=request.session.session_key)
    if request.POST.get("everywhere"):
        logout(request)  # this session too, through Django so the response carries no stale cookie
        return redirect("login")
    messages.success(request, _("Đã đăng xuất %(count)s phiên khác.") % {"count": count})
    return redirect("account:account")


def session_status(request: HttpRequest) -> JsonResponse:
    """How long the page's session has left; asking is not activity (core.sessions). A session that
    has ended (here, by the middleware, or elsewhere) answers `expired`."""
    if not request.user.is_authenticated:
        return JsonResponse({"expired": "signed_out"})
    return JsonResponse({"idle_left": sessions.idle_left(request)})


@login_required
def keepalive(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The page's "continue working": the request itself is the activity the middleware notes."""
    return HttpResponse(status=204)


class SignInView(auth_views.LoginView):
    """Django's login (which rotates the session key); says why when a session ended by itself."""

    template_name = "core/login.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["expired"] = sessions.expired_message(self.request.GET.get("expired"))
        return context


class ThrottledPasswordChangeForm(PasswordChangeForm):
    """The current password is guessed no faster than at the sign-in form: after AXES_FAILURE_LIMIT
    wrong ones, the form refuses for AXES_COOLOFF_TIME without checking (a stolen session must not
    become a way to try passwords)."""

    def clean_old_password(self) -> str:
        subject = str(self.user.pk)
        if throttled("password-change", subject):
            raise ValidationError(
                _("Đã nhập sai mật khẩu hiện tại quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút.")
                % {"minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)},
                code="throttled",
            )
        try:
            return str(super().clean_old_password())
        except ValidationError:
            count_attempt("password-change", subject)
            raise


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password change; every session ends with the old password (other computers are signed
    out), and the one the change was made from carries on under a new key."""

    template_name = "core/password_change.html"
    success_url = reverse_lazy("account:account")
    form_class = ThrottledPasswordChangeForm

    def form_valid(self, form: Any) -> HttpResponse:
        form.save()  # ends every session of the user (core.sessions.end_sessions_on_account_change)
        update_session_auth_hash(self.request, form.user)  # this one continues, under a new key
        sessions.session_register(self.request, form.user)
        notify_password_changed(self.request, form.user)
        messages.success(
            self.request,
            _("Đã đổi mật khẩu. Các phiên đăng nhập khác và các mã truy cập API đã bị thu hồi."),
        )
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's reset link page; the person is told by e-mail that the password changed."""

    template_name = "core/password_reset_confirm.html"
    success_url = reverse_lazy("account:password-reset-complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        notify_password_changed(self.request, form.user)
        return response


def notify_password_changed(request: HttpRequest, user: Any) -> None:
    """An e-mail to the account's address whenever its password changes (ASVS 2.2.3): if it was not
    them, they know at once and whom to tell."""
    if not user.email:
        return
    when = timezone.localtime().strftime("%H:%M ngày %d/%m/%Y")
    send_mail(
        _("nhiemvu: mật khẩu tài khoản vừa được đổi"),
        _(
            "Mật khẩu tài khoản nhiemvu «%(username)s» vừa được đổi lúc %(when)s, từ địa chỉ %(address)s. "
            "Mọi phiên đăng nhập cũ và mã truy cập API đã bị thu hồi.\n\n"
            "Nếu không phải anh/chị đổi, hãy báo ngay cho quản trị hệ thống hoặc Phòng Kế hoạch – Tài chính."
        )
        % {"username": user.get_username(), "when": when, "address": client_address(request) or "?"},
        None,
        [user.email],
        fail_silently=True,  # the change is made; a mail server hiccup must not undo or hide it
    )


def _send_reset(form: PasswordResetForm, options: dict[str, Any]) -> None:
    try:
        form.save(**options)
    finally:
        connections.close_all()  # this thread's own database connection


class PasswordResetView(auth_views.PasswordResetView):
    """Password reset by e-mail, telling nothing about who has an account: the answer is the same
    page whether the address is known or not, and it is sent before the e-mail is (in a thread), so
    the time it takes says nothing either. Requests are throttled per address and per e-mail."""

    template_name = "core/password_reset_form.html"
    email_template_name = "core/password_reset_email.txt"
    subject_template_name = "core/password_reset_subject.txt"
    success_url = reverse_lazy("account:password-reset-done")

    def form_valid(self, form: Any) -> HttpResponse:
        email = form.cleaned_data["email"].strip().lower()
        address = client_address(self.request) or "unknown"
        if not (throttled("password-reset-address", address) or throttled("password-reset-email", email)):
            count_attempt("password-reset-address", address)
            count_attempt("password-reset-email", email)
            site = urlsplit(settings.NHIEMVU_SITE_URL)
            options = {
                "domain_override": site.netloc,
                "use_https": site.scheme == "https",
                "token_generator": self.token_generator,
                "from_email": self.from_email,
                "email_template_name": self.email_template_name,
                "subject_template_name": self.subject_template_name,
                "extra_email_context": {"site_name": "nhiemvu"},
            }
            sender = threading.Thread(target=_send_reset, args=(form, options), daemon=True)
            sender.start()
            RESET_SENDERS.append(sender)
            del RESET_SENDERS[:-20]
        return HttpResponseRedirect(self.get_success_url())


# The latest reset senders, so a test (or a shutdown) can wait for them.
RESET_SENDERS: list[threading.Thread] = []
