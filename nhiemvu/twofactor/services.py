"""Every write of two-factor sign-in: enrol, verify, new recovery codes, turn off; an agency's policy.

The devices are django-otp's (TOTPDevice for the authenticator app, StaticDevice for the recovery
codes). Each enrolment, removal, use of a recovery code and lockout after wrong codes is written
to the audit trail under the person's agency, by hand: auditlog's registry would file them under
no agency, and would record each device's throttling counters on every wrong code.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
import time
from dataclasses import dataclass
from typing import Any

from auditlog import get_logentry_model
from django.conf import settings
from django.contrib.auth.models import User
from django.db import models, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from nhiemvu.core.services import validated_save
from nhiemvu.organisations.models import Organisation

from . import selectors
from .errors import PolicyNotAllowedError, TwoFactorError, TwoFactorRequiredError
from .models import AGENCY_ROLES, TwoFactorPolicy

RECOVERY_CODE_COUNT = 10
# Ten characters from 32 that are not mistaken for each other (no l/1, o/0): 50 bits, out of reach
# of guessing with the device's throttling.
RECOVERY_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
# A lockout is worth a line in the audit trail once every this many wrong codes in a row (at 5
# the device already waits 16 s, at 10 over 8 minutes): before that it is someone's typing.
LOCKOUT_FAILURES = 5
TOTP_NAME = "Ứng dụng xác thực"
RECOVERY_NAME = "Mã khôi phục"

_TOTP_CODE = re.compile(r"\d{6}")


def new_totp_key() -> str:
    """A fresh secret (20 random bytes, hex, as django-otp stores it) for a device not yet confirmed."""
    return secrets.token_hex(20)


def recovery_code_hash(code: str, *, secret: str | bytes | None = None) -> str:
    """What is stored for a recovery code: a keyed hash cut to the 16 characters StaticToken holds.

    django-otp keeps static tokens in clear; a copy of the database must not hand out codes that
    open accounts. Keyed by SECRET_KEY, so the 50 bits cannot be searched without it.
    """
    digest = salted_hmac(
        "nhiemvu.twofactor.recovery", normalise_code(code), secret=secret, algorithm="sha256"
    )
    return digest.hexdigest()[:16]


def normalise_code(code: str) -> str:
    """What a person typed, without spaces, dashes and case (codes are shown as `abcde-fghij`)."""
    return re.sub(r"[\s\-]", "", code).lower()


def _agency_id(user: User) -> int | None:
    found = selectors.agency_ids_of(user)
    return found[0] if found else None


def _record(
    obj: models.Model,
    *,
    actor: User,
    action: int,
    changes: dict[str, list[Any]],
    organisation_id: int | None,
) -> None:
    get_logentry_model().objects.log_create(
        obj, force_log=True, action=action, changes=changes, actor=actor, organisation_id=organisation_id
    )


def _action(name: str) -> int:
    return int(getattr(get_logentry_model().Action, name))


def _new_codes(device: StaticDevice) -> list[str]:
    device.token_set.all().delete()
    shown = []
    for _ in range(RECOVERY_CODE_COUNT):
        text = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
        shown.append(f"{text[:5]}-{text[5:]}")
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_code_hash(code)) for code in shown]
    )
    return shown


@transaction.atomic
def twofactor_enable(*, user: User, key: str, token: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm the authenticator holding `key` with a code it shows now (so a phone whose clock is
    wrong is caught before it can lock anyone out), and give ten recovery codes."""
    User.objects.select_for_update().filter(pk=user.pk).first()  # two tabs confirming at once
    if selectors.totp_device_of(user) is not None:
        raise TwoFactorError(
            "Xác thực hai lớp đã được bật cho tài khoản này.",
            message_en="Two-factor sign-in is already on for this account.",
        )
    typed = normalise_code(token)
    totp = TOTP(bytes.fromhex(key), step=30, digits=6)
    totp.time = time.time()
    if not _TOTP_CODE.fullmatch(typed) or not totp.verify(int(typed), tolerance=1):
        raise TwoFactorError(
            "Mã không đúng. Hãy nhập mã 6 chữ số đang hiện trong ứng dụng xác thực; nếu vẫn sai, "
            "hãy kiểm tra đồng hồ của điện thoại (đặt giờ tự động).",
            message_en="Wrong code. Type the 6 digits the app shows now; if it is still wrong, "
            "check that the phone's clock is set automatically.",
        )
    device = TOTPDevice(user=user, name=TOTP_NAME, key=key, confirmed=True, last_t=totp.t())
    device.drift = totp.drift
    validated_save(device, error=TwoFactorError, where="Thiết bị xác thực", where_en="Authenticator")
    StaticDevice.objects.filter(user=user).delete()
    recovery = StaticDevice(user=user, name=RECOVERY_NAME, confirmed=True)
    validated_save(recovery, error=TwoFactorError, where="Mã khôi phục", where_en="Recovery codes")
    codes = _new_codes(recovery)
    _record(
        device,
        actor=user,
        action=_action("CREATE"),
        changes={"name": [None, TOTP_NAME], "confirmed": [None, "True"]},
        organisation_id=_agency_id(user),
    )
    return device, codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None or selectors.totp_device_of(user) is None:
        raise TwoFactorError(
            "Hãy bật xác thực hai lớp trước khi tạo mã khôi phục.",
            message_en="Turn two-factor sign-in on before making recovery codes.",
        )
    before = device.token_set.count()
    codes = _new_codes(device)
    _record(
        device,
        actor=user,
        action=_action("UPDATE"),
        changes={"Mã khôi phục còn lại": [str(before), str(len(codes))]},
        organisation_id=_agency_id(user),
    )
    return codes


@dataclass(frozen=True)
class VerifyOutcome:
    """What a typed code did: the device it matched, or how long to wait before the next try."""

    device: Device | None = None
    checked: bool = True  # False: the device was waiting out its delay and did not look at the code
    recovery_used: bool = False
    codes_left: int = 0
    locked_until: dt.datetime | None = None

    @property
    def wait_seconds(self) -> int:
        if self.locked_until is None:
            return 0
        return max(1, int((self.locked_until - timezone.now()).total_seconds() + 0.999))


def _locked_until(device: Device) -> dt.datetime | None:
    allowed, data = device.verify_is_allowed()
    if allowed or not data:
        return None
    until = data.get("locked_until")
    return until if isinstance(until, dt.datetime) else None


@transaction.atomic
def twofactor_verify(*, user: User, code: str) -> VerifyOutcome:
    """Check a code from the authenticator (6 digits) or a recovery code (used once, then gone).

    A device that has just refused codes refuses every code, the right one too, until its delay
    has passed (django-otp's throttling): the outcome says until when.
    """
    typed = normalise_code(code)
    device: TOTPDevice | StaticDevice | None
    if _TOTP_CODE.fullmatch(typed):
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        token = typed
    else:
        device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        secrets_ = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        candidates = [recovery_code_hash(typed, secret=s) for s in secrets_]
        stored = None
        if device is not None:
            stored = device.token_set.filter(token__in=candidates).values_list("token", flat=True).first()
        token = stored or candidates[0]
    if device is None:
        return VerifyOutcome()
    until = _locked_until(device)
    if until is not None:
        return VerifyOutcome(checked=False, locked_until=until)
    if device.verify_token(token):
        if isinstance(device, StaticDevice):
            left = device.token_set.count()
            _record(
                device,
                actor=user,
                action=_action("UPDATE"),
                changes={"Mã khôi phục còn lại": [str(left + 1), str(left)]},
                organisation_id=_agency_id(user),
            )
            return VerifyOutcome(device=device, recovery_used=True, codes_left=left)
        return VerifyOutcome(device=device)
    failures = device.throttling_failure_count
    if failures and failures % LOCKOUT_FAILURES == 0:
        _record(
            device,
            actor=user,
            action=_action("UPDATE"),
            changes={"throttling_failure_count": [str(failures - 1), str(failures)]},
            organisation_id=_agency_id(user),
        )
    return VerifyOutcome(locked_until=_locked_until(device))


def _check_secret(device: TOTPDevice | None, *, user: User, password: str, code: str) -> None:
    if password and user.has_usable_password() and user.check_password(password):
        return
    typed = normalise_code(code)
    if device is not None and _TOTP_CODE.fullmatch(typed):
        until = _locked_until(device)
        if until is not None:
            seconds = VerifyOutcome(locked_until=until).wait_seconds
            raise TwoFactorError(
                f"Đã nhập sai mã nhiều lần; hãy chờ {seconds} giây rồi thử lại.",
                message_en=f"Too many wrong codes; wait {seconds} s and try again.",
            )
        if device.verify_token(typed):
            return
    raise TwoFactorError(
        "Mật khẩu hoặc mã xác thực không đúng.", message_en="Wrong password or authentication code."
    )


@transaction.atomic
def twofactor_disable(*, user: User, password: str = "", code: str = "") -> None:
    """Turn two-factor sign-in off (the authenticator and the recovery codes), proven by the
    password or a current code; refused while the agency's policy requires it."""
    requirements = selectors.requirements_of(user)
    if requirements:
        first = requirements[0]
        where = first.agency.name if first.agency is not None else "hệ thống"
        raise TwoFactorRequiredError(
            f"{where} yêu cầu xác thực hai lớp với vai trò {first.role_label}: không tắt được.",
            message_en="Your agency requires two-factor sign-in for your role: it cannot be turned off.",
        )
    device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
    if device is None and selectors.static_device_of(user) is None:
        raise TwoFactorError("Xác thực hai lớp chưa được bật.", message_en="Two-factor sign-in is not on.")
    _check_secret(device, user=user, password=password, code=code)
    record_on: models.Model = device if device is not None else user
    _record(
        record_on,
        actor=user,
        action=_action("DELETE"),
        changes={"name": [TOTP_NAME, None], "confirmed": ["True", None]},
        organisation_id=_agency_id(user),
    )
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def policy_set(*, actor: User, agency: Organisation, roles: list[str]) -> TwoFactorPolicy:
    """Set which roles of the agency (and its units) must use two-factor sign-in."""
    if not selectors.may_keep_policy(actor, agency.pk):
        raise PolicyNotAllowedError(
            "Chỉ Phòng Kế hoạch – Tài chính của cơ quan hoặc quản trị hệ thống được sửa chính sách này.",
            message_en="Only the agency's Planning-Finance or an administrator may change this policy.",
        )
    unknown = sorted(set(roles) - {role.value for role in AGENCY_ROLES})
    if unknown:
        raise TwoFactorError(
            f"Vai trò không thuộc cơ quan: {', '.join(unknown)}.",
            message_en=f"Not a role in an agency: {', '.join(unknown)}.",
        )
    ordered = [role.value for role in AGENCY_ROLES if role in roles]
    policy = TwoFactorPolicy.objects.select_for_update().filter(agency=agency).first()
    before = list(policy.roles) if policy is not None else []
    if policy is None:
        policy = TwoFactorPolicy(agency=agency)
    policy.roles = ordered
    policy.updated_by = actor
    validated_save(policy, error=TwoFactorError, where="Chính sách", where_en="Policy")
    if before != ordered:
        _record(
            policy,
            actor=actor,
            action=_action("UPDATE" if before else "CREATE"),
            changes={"roles": [", ".join(before) or None, ", ".join(ordered) or None]},
            organisation_id=agency.pk,
        )
    return policy
