"""Every write of the first run and of an agency's people: the tree, invitations, someone leaving."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from nhiemvu.core.errors import DomainError, PermissionDenied
from nhiemvu.core.services import validated_save
from nhiemvu.core.sessions import sessions_end
from nhiemvu.lib.vntext import unaccent
from nhiemvu.organisations.models import Membership, Official, Organisation
from nhiemvu.organisations.selectors import scope_changed
from nhiemvu.organisations.services import organisation_create
from nhiemvu.plans.models import PlanStatus, Task
from nhiemvu.reporting.models import ProgressReport, ReportStatus
from nhiemvu.roadmaps.models import RoadmapStep

from .directory import PersonRow, UnitRow
from .models import Invitation
from .selectors import may_manage


class SetupError(DomainError):
    code = "setup_invalid"


class InvitationError(DomainError):
    code = "invitation_invalid"


class PersonError(DomainError):
    code = "person_invalid"


def _rows_refused(rows: list[UnitRow] | list[PersonRow]) -> None:
    bad = [r for r in rows if r.problems]
    if bad:
        raise SetupError(
            "Chưa ghi gì: "
            + "; ".join(f"dòng {r.line}: {', '.join(p.vi for p in r.problems)}" for r in bad[:20]),
            message_en="Nothing written: "
            + "; ".join(f"line {r.line}: {', '.join(p.en for p in r.problems)}" for r in bad[:20]),
        )


@dataclass
class SetupResult:
    created: list[Organisation]
    existing: list[Organisation]


@transaction.atomic
def organisations_setup(*, rows: list[UnitRow]) -> SetupResult:
    """Create the checked rows' bodies (parents first); rows naming a stored body are left as they are.

    All or nothing: one row with a problem (see `directory.check_units`) refuses the whole sheet.
    """
    if not rows:
        raise SetupError("Không có dòng nào để tạo.", message_en="There are no rows to create.")
    _rows_refused(rows)
    made: dict[int, Organisation] = {}
    created: list[Organisation] = []
    existing: list[Organisation] = []
    pending = list(range(len(rows)))
    while pending:
        progress = False
        for index in list(pending):
            row = rows[index]
            if row.parent_row is not None and row.parent_row not in made:
                continue
            parent = made[row.parent_row] if row.parent_row is not None else row.parent_org
            twin = row.existing
            if twin is None and row.parent_row is not None and parent is not None:
                twin = Organisation.objects.filter(parent=parent, name=row.name).first()
            if twin is not None:
                made[index] = twin
                existing.append(twin)
            else:
                made[index] = organisation_create(
                    name=row.name,
                    kind=row.kind,
                    parent=parent,
                    short_name=row.short_name,
                    aliases=row.aliases,
                    email=row.email,
                )
                created.append(made[index])
            pending.remove(index)
            progress = True
        if not progress:  # check_units reports circles; this guards against an unchecked list
            raise SetupError("Các dòng trực thuộc lẫn nhau thành vòng.", message_en="The rows form a circle.")
    return SetupResult(created=created, existing=existing)


# --- invitations -------------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_url(token: str) -> str:
    return settings.NHIEMVU_SITE_URL + reverse("people:invitation", args=[token])


def _username_for(email: str) -> str:
    """A readable, unique username from the e-mail's local part (`nguyen.van.a`)."""
    base = (
        re.sub(r"[^a-z0-9._-]", "", unaccent(email.split("@")[0]).lower().replace("đ", "d"))[:120] or "canbo"
    )
    name, n = base, 1
    while User.objects.filter(username=name).exists():
        n += 1
        name = f"{base}{n}"
    return name


@dataclass
class Invited:
    user: User
    invitation: Invitation
    url: str  # shown once to the one who invited (for a phone call when e-mail is slow)


def _invite(*, user: User, invited_by: User | None, agency_name: str) -> Invited:
    Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        user=user,
        token_hash=_hash(token),
        email=user.email,
        created_by=invited_by,
        expires_at=timezone.now() + dt.timedelta(days=settings.INVITATION_DAYS),
    )
    validated_save(invitation, error=InvitationError)
    url = invitation_url(token)
    until = timezone.localtime(invitation.expires_at).strftime("%H:%M ngày %d/%m/%Y")
    who = (invited_by.get_full_name() or invited_by.get_username()) if invited_by else "Quản trị hệ thống"
    body = (
        f"Kính gửi {user.get_full_name() or user.email},\n\n"
        f"{who} ({agency_name}) đã tạo cho anh/chị một tài khoản trên nhiemvu, hệ thống theo dõi "
        f"nhiệm vụ trọng tâm. Tên đăng nhập: {user.get_username()}.\n\n"
        f"Để đặt mật khẩu và bắt đầu, mở liên kết sau (dùng được một lần, đến {until}):\n{url}\n\n"
        "Nếu liên kết hết hạn, đề nghị Phòng Kế hoạch – Tài chính gửi lại lời mời."
    )
    email = user.email
    transaction.on_commit(
        lambda: send_mail("nhiemvu: mời anh/chị đặt mật khẩu", body, None, [email], fail_silently=True)
    )
    return Invited(user=user, invitation=invitation, url=url)


@transaction.atomic
def person_invite(
    *,
    actor: User,
    agency: Organisation,
    full_name: str,
    email: str,
    organisation: Organisation,
    role: str,
    position: str = "",
    phone: str = "",
) -> Invited:
    """An account for someone of the agency, with their role in their unit and an e-mailed link to
    set a password. The account has no usable password until they do."""
    if not may_manage(actor, agency):
        raise PermissionDenied(
            "Anh/chị không quản lý tài khoản của cơ quan này.",
            message_en="You do not manage this agency's accounts.",
        )
    email = email.strip().lower()
    if User.objects.filter(email__iexact=email).exists():
        raise PersonError(
            f"Đã có tài khoản dùng thư điện tử {email}.", message_en=f"An account already uses {email}."
        )
    first, _, last = " ".join(full_name.split()).rpartition(" ")
    user = User(username=_username_for(email), email=email, first_name=first, last_name=last)
    user.set_unusable_password()
    validated_save(user, error=PersonError, where=full_name, where_en=full_name)
    official = Official.objects.filter(
        organisation=organisation, full_name=" ".join(full_name.split())
    ).first()
    if official is None or official.user_id is not None:
        official = Official(organisation=organisation, full_name=" ".join(full_name.split()))
    official.user = user
    official.position = position or official.position
    official.email = email
    official.phone = phone or official.phone
    official.is_active = True
    validated_save(official, error=PersonError, where=full_name, where_en=full_name)
    membership = Membership(user=user, organisation=organisation, role=role, starts_on=timezone.localdate())
    validated_save(membership, error=PersonError, where=full_name, where_en=full_name)
    scope_changed()
    return _invite(user=user, invited_by=actor, agency_name=agency.display_name)


@transaction.atomic
def people_import(*, actor: User, agency: Organisation, rows: list[PersonRow]) -> list[Invited]:
    """Invite every checked row, or nobody: one row with a problem refuses the sheet."""
    if not rows:
        raise SetupError("Không có dòng nào để nhập.", message_en="There are no rows to import.")
    _rows_refused(rows)
    invited = []
    for row in rows:
        assert row.organisation is not None  # checked rows have one
        invited.append(
            person_invite(
                actor=actor,
                agency=agency,
                full_name=row.full_name,
                email=row.email,
                organisation=row.organisation,
                role=row.role_value,
                position=row.position,
                phone=row.phone,
            )
        )
    return invited


@transaction.atomic
def invitation_resend(*, actor: User, agency: Organisation, user: User) -> Invited:
    """A new link (the old one stops working), for someone who has not yet set a password."""
    if not may_manage(actor, agency):
        raise PermissionDenied(
            "Anh/chị không quản lý tài khoản này.", message_en="Not your agency's account."
        )
    if user.has_usable_password() or not user.is_active:
        raise InvitationError(
            "Người này đã đặt mật khẩu hoặc đã nghỉ; không gửi lời mời nữa (quên mật khẩu: dùng «Quên mật khẩu»).",
            message_en="This person already set a password or has left.",
        )
    return _invite(user=user, invited_by=actor, agency_name=agency.display_name)


def invitation_find(token: str) -> Invitation:
    """The invitation a link carries, if it may still be used; otherwise why not, for the person."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=_hash(token)).first() if token else None
    )
    if invitation is None or invitation.revoked_at is not None:
        raise InvitationError(
            "Liên kết không đúng hoặc đã được thay bằng một lời mời mới. "
            "Hãy mở liên kết trong thư mời mới nhất, hoặc đề nghị Phòng Kế hoạch – Tài chính gửi lại.",
            message_en="This link is wrong or was replaced by a newer invitation; ask for a new one.",
            code="invitation_unknown",
        )
    if invitation.used_at is not None:
        raise InvitationError(
            "Liên kết này đã được dùng để đặt mật khẩu. Hãy đăng nhập; nếu quên mật khẩu, dùng «Quên mật khẩu».",
            message_en="This link was already used to set a password. Sign in, or reset your password.",
            code="invitation_used",
        )
    if invitation.expires_at <= timezone.now():
        raise InvitationError(
            "Lời mời đã hết hạn ngày "
            + timezone.localtime(invitation.expires_at).strftime("%d/%m/%Y")
            + ". Đề nghị Phòng Kế hoạch – Tài chính gửi lại lời mời.",
            message_en="The invitation has expired; ask Planning-Finance to send a new one.",
            code="invitation_expired",
        )
    if not invitation.user.is_active:
        raise InvitationError("Tài khoản này đã bị khóa.", message_en="This account is disabled.")
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the first password through the link; the link cannot be used again."""
    invitation = invitation_find(token)
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.used_at is not None:  # two tabs submitting at once: the second finds it used
        invitation_find(token)
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvitationError(" ".join(exc.messages), message_en="The password is too weak.") from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


# --- someone leaves ------------------------------------------------------------------------------


@dataclass
class Handover:
    reports: int
    steps: int
    tasks: int
    memberships: int
    sessions: int


@transaction.atomic
def person_deactivate(*, actor: User, agency: Organisation, user: User, successor: User | None) -> Handover:
    """Someone leaves: their open reports (drafts, returned ones), their roadmap steps not yet done
    and the open tasks they lead go to a colleague; their roles end today, their sessions end, their
    account can no longer sign in (or use API tokens). History keeps their name."""
    if not may_manage(actor, agency) or not may_manage_person(actor, agency, user):
        raise PermissionDenied(
            "Anh/chị không quản lý tài khoản này.", message_en="Not your agency's account."
        )
    if user == actor:
        raise PersonError("Không thể tự khóa tài khoản của mình.", message_en="You cannot disable yourself.")
    if successor is not None and (successor == user or not successor.is_active):
        raise PersonError(
            "Người nhận bàn giao phải là một cán bộ khác đang công tác.",
            message_en="The colleague taking over must be another active person.",
        )
    if successor is not None and not may_manage_person(actor, agency, successor):
        raise PersonError(
            "Người nhận bàn giao phải thuộc cơ quan này.",
            message_en="The colleague must belong to this agency.",
        )
    reports = ProgressReport.objects.filter(
        created_by=user, status__in=[ReportStatus.DRAFT, ReportStatus.RETURNED]
    )
    official = Official.objects.filter(user=user).first()
    successor_official = Official.objects.filter(user=successor).first() if successor is not None else None
    steps = RoadmapStep.objects.filter(responsible=official, done_on__isnull=True) if official else None
    tasks = Task.objects.filter(leader=official, plan__status=PlanStatus.ACTIVE) if official else None
    has_work = (
        reports.exists() or (steps is not None and steps.exists()) or (tasks is not None and tasks.exists())
    )
    if successor is None and has_work:
        raise PersonError(
            "Người này còn báo cáo, bước lộ trình hoặc nhiệm vụ đang dở: chọn người nhận bàn giao.",
            message_en="This person has open work: choose a colleague to hand it to.",
        )
    handed = Handover(reports=0, steps=0, tasks=0, memberships=0, sessions=0)
    for report in reports.select_for_update():
        report.created_by = successor
        report.save(update_fields=["created_by", "updated_at"])  # saved one by one: the audit trail sees each
        handed.reports += 1
    if steps is not None:
        for step in steps.select_for_update():
            if successor_official is None:
                raise PersonError(
                    "Người nhận bàn giao chưa có hồ sơ cán bộ để phụ trách các bước lộ trình.",
                    message_en="The colleague has no official record to own roadmap steps.",
                )
            step.responsible = successor_official
            step.updated_by = actor
            step.save(update_fields=["responsible", "updated_by"])
            handed.steps += 1
    if tasks is not None:
        for task in tasks.select_for_update():
            if successor_official is None:
                raise PersonError(
                    "Người nhận bàn giao chưa có hồ sơ cán bộ để chỉ đạo các nhiệm vụ.",
                    message_en="The colleague has no official record to lead tasks.",
                )
            task.leader = successor_official
            task.save(update_fields=["leader", "updated_at"])
            handed.tasks += 1
    for membership in Membership.objects.filter(user=user).select_for_update():
        membership.delete()  # roles end now (the audit trail keeps the row as it was)
        handed.memberships += 1
    if official is not None:
        official.is_active = False
        official.save(update_fields=["is_active", "updated_at"])
    Invitation.objects.filter(user=user, used_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    user.is_active = False
    user.save(update_fields=["is_active"])
    scope_changed()
    handed.sessions = sessions_end(user)
    return handed


def may_manage_person(actor: User, agency: Organisation, person: User) -> bool:
    from .selectors import people_of

    return may_manage(actor, agency) and people_of(agency).filter(pk=person.pk).exists()


@transaction.atomic
def administrator_create(*, username: str, email: str) -> Invited:
    """The first administrator, from the console: a superuser without a password, and a link to set
    one (the password never passes through the console's history)."""
    username = username.strip()
    if not username:
        raise PersonError("Thiếu tên đăng nhập.", message_en="The username is missing.")
    if User.objects.filter(username=username).exists():
        raise PersonError(
            f"Đã có tài khoản «{username}».", message_en=f"The account {username!r} already exists."
        )
    user = User(username=username, email=email.strip().lower(), is_staff=True, is_superuser=True)
    user.set_unusable_password()
    validated_save(user, error=PersonError, where=username, where_en=username)
    return _invite(user=user, invited_by=None, agency_name="nhiemvu")
