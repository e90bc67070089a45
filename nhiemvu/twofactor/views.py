"""/account/two-factor/: set up, use and turn off two-factor sign-in; an agency's policy."""

from __future__ import annotations

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from nhiemvu.core.errors import DomainError
from nhiemvu.core.http import AuthenticatedHttpRequest
from nhiemvu.core.sessions import sessions_end

from . import selectors, services
from .forms import ConfirmForm, DisableForm, PolicyForm, VerifyForm
from .middleware import RECHECK_SECONDS, session_needs_refresh
from .models import SUGGESTED_ROLES

# The secret being set up, kept in the session (not the database) until a code confirms it.
PENDING_KEY = "nv_2fa_pending_key"
# Recovery codes just made: shown once by the next page, then gone from the session.
FRESH_CODES = "nv_2fa_fresh_codes"
# Shorter waits pass while the person reads the message; from this one on, it says how long.
WAIT_WORTH_SAYING = 4


def _next(request: AuthenticatedHttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(url: str, request: AuthenticatedHttpRequest) -> str:
    wanted = request.POST.get("next") or request.GET.get("next")
    return f"{url}?{urlencode({'next': wanted})}" if wanted else url


@login_required
def status(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "twofactor/status.html",
        {
            "device": selectors.totp_device_of(user),
            "codes_left": selectors.recovery_codes_left(user),
            "requirements": selectors.requirements_of(user),
            "keeps_policy": selectors.agencies_kept_by(user).exists(),
        },
    )


def _qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG (no image library, no outside service)."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=16)
    return str(image.to_string(encoding="unicode"))


@login_required
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if selectors.totp_device_of(user) is not None:
        return redirect("twofactor:status")
    key = request.session.get(PENDING_KEY)
    if not isinstance(key, str):
        key = request.session[PENDING_KEY] = services.new_totp_key()
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = services.twofactor_enable(user=user, key=key, token=form.cleaned_data["token"])
        except DomainError as exc:
            form.add_error("token", exc.localized_message)
        else:
            otp_login(request, device)
            # Sessions opened elsewhere with the password alone (perhaps why the person is doing this).
            ended = sessions_end(user, keep=request.session.session_key)
            del request.session[PENDING_KEY]
            request.session[FRESH_CODES] = codes
            session_needs_refresh(request, user)
            messages.success(request, _("Đã bật xác thực hai lớp."))
            if ended:
                messages.info(request, _("Đã đăng xuất %(count)s phiên đăng nhập khác.") % {"count": ended})
            return redirect(_with_next(reverse("twofactor:codes"), request))
    pending = TOTPDevice(user=user, key=key)
    secret = b32encode(pending.bin_key).decode()
    return render(
        request,
        "twofactor/enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(pending),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
            "requirements": selectors.requirements_of(user),
            "next": request.POST.get("next") or request.GET.get("next", ""),
        },
    )


@login_required
def codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        try:
            request.session[FRESH_CODES] = services.recovery_codes_regenerate(user=user)
        except DomainError as exc:
            messages.error(request, exc.localized_message)
            return redirect("twofactor:status")
        messages.success(request, _("Đã tạo mã khôi phục mới; các mã cũ không dùng được nữa."))
        return redirect("twofactor:codes")
    fresh = request.session.pop(FRESH_CODES, None)
    return render(
        request,
        "twofactor/codes.html",
        {
            "fresh": fresh,
            "codes_left": selectors.recovery_codes_left(user),
            "enabled": selectors.totp_device_of(user) is not None,
            "next": _next(request),
        },
    )


@login_required
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified() or not selectors.has_device(user):  # type: ignore[attr-defined]  # OTPMiddleware's
        return redirect(_next(request))
    form = VerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = services.twofactor_verify(user=user, code=form.cleaned_data["code"])
        if outcome.device is not None:
            otp_login(request, outcome.device)
            if outcome.recovery_used:
                messages.warning(
                    request,
                    _(
                        "Bạn đã dùng một mã khôi phục; mã đó không dùng lại được. Còn %(left)s mã. "
                        "Nếu mất điện thoại, hãy cài lại ứng dụng xác thực và tạo mã khôi phục mới."
                    )
                    % {"left": outcome.codes_left},
                )
            return redirect(_next(request))
        if not outcome.checked:
            form.add_error(
                "code",
                _("Vì an toàn, sau mỗi lần nhập sai phải chờ một lúc: hãy chờ %(seconds)s giây rồi nhập lại.")
                % {"seconds": outcome.wait_seconds},
            )
        else:
            wrong = _("Mã không đúng. Hãy nhập mã đang hiện trong ứng dụng, hoặc một mã khôi phục.")
            if outcome.wait_seconds >= WAIT_WORTH_SAYING:
                wrong += " " + _("Hãy chờ %(seconds)s giây trước khi thử lại.") % {
                    "seconds": outcome.wait_seconds
                }
            form.add_error("code", wrong)
    return render(request, "twofactor/verify.html", {"form": form, "next": _next(request)}, status=200)


@login_required
def disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    user = request.user
    requirements = selectors.requirements_of(user)
    form = DisableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.twofactor_disable(
                user=user, password=form.cleaned_data["password"], code=form.cleaned_data["code"]
            )
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
        else:
            session_needs_refresh(request, user)
            messages.success(request, _("Đã tắt xác thực hai lớp."))
            return redirect("twofactor:status")
    return render(
        request,
        "twofactor/disable.html",
        {"form": form, "requirements": requirements, "enabled": selectors.has_device(user)},
    )


@login_required
def policy_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    agencies = list(selectors.agencies_kept_by(request.user))
    if not agencies:
        raise Http404
    if len(agencies) == 1:
        return redirect("twofactor:policy-edit", agency_id=agencies[0].pk)
    policies = {p.agency_id: p for p in selectors.policies_of(agencies)}
    rows = [(agency, policies.get(agency.pk)) for agency in agencies]
    return render(request, "twofactor/policy_list.html", {"rows": rows})


@login_required
def policy_edit(request: AuthenticatedHttpRequest, agency_id: int) -> HttpResponse:
    agency = selectors.agency_get_for_policy(request.user, agency_id)
    if agency is None:
        raise Http404
    policy = selectors.policy_of(agency)
    initial = {"roles": policy.roles if policy is not None else [str(r) for r in SUGGESTED_ROLES]}
    form = PolicyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(actor=request.user, agency=agency, roles=form.cleaned_data["roles"])
        except DomainError as exc:
            form.add_error(None, exc.localized_message)
        else:
            session_needs_refresh(request, request.user)
            messages.success(
                request, _("Đã lưu chính sách xác thực hai lớp của %(agency)s.") % {"agency": agency}
            )
            return redirect("twofactor:policy-edit", agency_id=agency.pk)
    return render(
        request,
        "twofactor/policy_edit.html",
        {"agency": agency, "policy": policy, "form": form, "recheck_minutes": RECHECK_SECONDS // 60},
    )
