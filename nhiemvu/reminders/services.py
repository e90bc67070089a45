"""Every write of the reminders app: notifications, their e-mail, digests, preferences, calendar feeds.

Delivery guarantee
------------------
*In-app notifications are exactly-once*: a row per (recipient, dedup_key), enforced by a
unique constraint, so any number of reruns and concurrent workers make each one once.

*E-mail is at-most-once*: a worker claims pending rows in a transaction
(`SELECT … FOR UPDATE SKIP LOCKED` on PostgreSQL, the `BEGIN IMMEDIATE` write lock on
SQLite), stamps `emailed_at` in that same transaction, and only sends once it has committed
(`transaction.on_commit`). Another worker never sees a claimed row as pending, so a message
is never sent twice. The price: a worker killed between the commit and the SMTP
conversation loses that e-mail. We chose that side because a reminder sent twice teaches
officials to ignore reminders, while a lost one is still in the bell (the in-app row is the
record) and the next stage (due today, overdue, escalation) follows anyway. When the mail
backend *reports* a failure (server down, refused), the claim is given back and retried on
the next round, at most `MAX_EMAIL_ATTEMPTS` times; the only duplicate left possible is a
server that accepted a message and then dropped the connection before answering.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as Account
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError, connection, transaction
from django.db.models import F, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from nhiemvu.core.errors import DomainError
from nhiemvu.organisations.models import Membership, Organisation, Role

from .models import CalendarFeed, DigestEmail, EmailMode, Notification, NotificationPreference
from .rules import Candidate, candidates_for, obstacle_answered, report_reviewed

log = logging.getLogger(__name__)

MAX_EMAIL_ATTEMPTS = 3
CLAIM_BATCH = 50


class ReminderError(DomainError):
    code = "reminder_error"


@dataclass
class RoundResult:
    """What one round of `remind` did."""

    today: dt.date
    created: int = 0
    emailed: int = 0
    digests: int = 0


def site_url() -> str:
    """The address e-mails link to; pages are relative in the database."""
    return str(settings.NHIEMVU_SITE_URL)


def digest_hour() -> int:
    """The local hour from which the day's digest goes out (morning, before the working day)."""
    return int(settings.REMINDERS_DIGEST_HOUR)


# Notifications ----------------------------------------------------------------------------------


def _email_modes(user_ids: Iterable[int]) -> dict[int, str]:
    """Each user's e-mail mode; users without an address get none whatever they chose."""
    ids = set(user_ids)
    chosen = dict(NotificationPreference.objects.filter(user_id__in=ids).values_list("user_id", "email"))
    with_address = set(
        get_user_model().objects.filter(pk__in=ids).exclude(email="").values_list("pk", flat=True)
    )
    return {i: (chosen.get(i, EmailMode.IMMEDIATE) if i in with_address else EmailMode.OFF) for i in ids}


def notifications_create(*, candidates: Iterable[Candidate]) -> list[Notification]:
    """Insert the candidates that don't exist yet; return those this call created.

    Not one transaction: each row commits on its own, so a concurrent worker inserting the
    same key waits at most for one row, then gets the unique violation and moves on.
    """
    wanted: dict[tuple[int, str], Candidate] = {}
    for c in candidates:
        wanted.setdefault((c.recipient_id, c.dedup_key), c)
    if not wanted:
        return []
    keys = sorted({k for _, k in wanted})
    existing: set[tuple[int, str]] = set()
    for i in range(0, len(keys), 500):
        existing.update(
            Notification.objects.filter(dedup_key__in=keys[i : i + 500]).values_list(
                "recipient_id", "dedup_key"
            )
        )
    new = [c for k, c in wanted.items() if k not in existing]
    modes = _email_modes(c.recipient_id for c in new)
    created = []
    for c in new:
        notification = Notification(
            recipient_id=c.recipient_id,
            kind=c.kind,
            dedup_key=c.dedup_key,
            subject=c.subject[:255],
            body=c.body,
            url=c.url,
            email_mode=modes[c.recipient_id],
        )
        notification.full_clean(validate_constraints=False)
        try:
            with transaction.atomic():
                notification.save()
        except IntegrityError:
            continue  # another worker made it between our read and our insert
        created.append(notification)
    _bell_changed(n.recipient_id for n in created)
    return created


def bell_key(user_id: int) -> str:
    """The cache key of a user's unread count (the bell on every page; `selectors.unread_count`)."""
    return f"reminders:bell:{user_id}"


def _bell_changed(user_ids: Iterable[int]) -> None:
    """Forget the users' cached unread counts once this transaction commits (at once outside one),
    so that no page caches the count from before the change."""
    keys = [bell_key(pk) for pk in set(user_ids)]
    if keys and settings.BELL_CACHE_SECONDS > 0:
        transaction.on_commit(lambda: cache.delete_many(keys))


@transaction.atomic
def notification_mark_read(*, notification: Notification, user: Account) -> Notification:
    if notification.recipient_id != user.pk:
        raise ReminderError("Thông báo không phải của bạn.", message_en="Not your notification.")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
        _bell_changed([user.pk])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, user: Account) -> int:
    _bell_changed([user.pk])
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def preference_set(*, user: Account, email: str) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.get_or_create(user=user)
    preference.email = email
    try:
        preference.full_clean()
    except ValidationError as exc:
        raise ReminderError("Cách nhận thư không hợp lệ.", message_en="Unknown e-mail option.") from exc
    preference.save()
    return preference


# E-mail -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outgoing:
    """A rendered message and the rows it stands for, built inside the claim, sent after commit."""

    notification_ids: tuple[int, ...]
    message: EmailMultiAlternatives
    digest_id: int | None = None


def _message(template: str, to: str, context: dict[str, object]) -> EmailMultiAlternatives:
    """Rendered in Vietnamese whatever language is active: recipients' language is not stored."""
    context = {**context, "site_url": site_url()}
    with translation.override("vi"):
        subject = " ".join(render_to_string(f"reminders/email/{template}_subject.txt", context).split())
        text = render_to_string(f"reminders/email/{template}.txt", context)
        html = render_to_string(f"reminders/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        to=[to],
        # RFC 3834: tells mail servers and autoresponders this came from a machine.
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(html, "text/html")
    return message


def _lock(queryset: QuerySet[Notification]) -> QuerySet[Notification]:
    """Lock the claimed rows; on PostgreSQL skip those another worker holds instead of waiting.

    SQLite has no row locks: there the project's `BEGIN IMMEDIATE` transactions take the
    database's single write lock, so claims run one after another and see each other's stamps.
    """
    if connection.features.has_select_for_update_skip_locked:
        return queryset.select_for_update(skip_locked=True, of=("self",))
    return queryset.select_for_update()


def _deliver(outgoing: list[Outgoing]) -> int:
    """Send after commit; a failure the backend reports gives the claim back for the next round."""
    if not outgoing:
        return 0
    sent = 0
    backend = get_connection()
    try:
        backend.open()
    except Exception:  # the backend may raise anything: socket, SMTP, TLS errors
        log.exception("reminders: cannot open the mail connection")
        _release(outgoing)
        return 0
    try:
        for item in outgoing:
            try:
                backend.send_messages([item.message])
            except Exception:
                log.exception("reminders: sending to %s failed", item.message.to)
                _release([item])
            else:
                sent += 1
    finally:
        try:
            backend.close()
        except Exception:  # a failed QUIT after the messages went through changes nothing
            log.warning("reminders: closing the mail connection failed", exc_info=True)
    return sent


def _release(items: list[Outgoing]) -> None:
    with transaction.atomic():
        ids = [i for item in items for i in item.notification_ids]
        Notification.objects.filter(pk__in=ids).update(
            emailed_at=None, email_attempts=F("email_attempts") + 1
        )
        DigestEmail.objects.filter(pk__in=[item.digest_id for item in items if item.digest_id]).delete()


def emails_send_pending(*, limit: int = CLAIM_BATCH, only: Iterable[int] | None = None) -> int:
    """Claim up to `limit` immediate e-mails, stamp them and send them once committed; the count claimed.

    `only` restricts the claim to these notifications (an event's own notices, sent at once).
    """
    outgoing: list[Outgoing] = []
    pending = Notification.objects.filter(
        email_mode=EmailMode.IMMEDIATE, emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS
    )
    if only is not None:
        pending = pending.filter(pk__in=list(only))
    with transaction.atomic():
        rows = list(_lock(pending.order_by("id"))[:limit])
        if not rows:
            return 0
        now = timezone.now()
        Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
        users = get_user_model().objects.in_bulk({n.recipient_id for n in rows})
        for n in rows:
            user = users[n.recipient_id]
            outgoing.append(
                Outgoing((n.pk,), _message("notification", user.email, {"user": user, "notification": n}))
            )
        transaction.on_commit(lambda: _deliver(outgoing))
    return len(rows)


def digests_send(*, now: dt.datetime | None = None) -> int:
    """One e-mail per digest user per day with everything that piled up since their last digest.

    The (recipient, day) unique row is the claim: a second worker's insert fails and it moves on.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.hour < digest_hour():
        return 0
    today = local.date()
    pending_users = set(
        Notification.objects.filter(
            email_mode=EmailMode.DIGEST, emailed_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS
        ).values_list("recipient_id", flat=True)
    )
    already = set(
        DigestEmail.objects.filter(recipient_id__in=pending_users, day=today).values_list(
            "recipient_id", flat=True
        )
    )
    sent = 0
    for user in get_user_model().objects.filter(pk__in=pending_users - already).order_by("pk"):
        try:
            with transaction.atomic():
                digest = DigestEmail.objects.create(recipient=user, day=today)
                rows = list(
                    _lock(
                        Notification.objects.filter(
                            recipient=user,
                            email_mode=EmailMode.DIGEST,
                            emailed_at__isnull=True,
                            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
                        ).order_by("created_at", "id")
                    )
                )
                if not rows:
                    transaction.set_rollback(True)
                    continue
                Notification.objects.filter(pk__in=[n.pk for n in rows]).update(emailed_at=now)
                digest.notification_count = len(rows)
                digest.save(update_fields=["notification_count"])
                item = Outgoing(
                    tuple(n.pk for n in rows),
                    _message("digest", user.email, {"user": user, "notifications": rows, "day": today}),
                    digest_id=digest.pk,
                )
                transaction.on_commit(partial(_deliver, [item]))
        except IntegrityError:
            continue  # another worker sent this user's digest today
        sent += 1
    return sent


def remind_round(*, now: dt.datetime | None = None) -> RoundResult:
    """One round: make today's notifications, send the immediate e-mails, then the digests due."""
    now = now or timezone.now()
    result = RoundResult(today=timezone.localdate(now))
    result.created = len(notifications_create(candidates=candidates_for(result.today)))
    while True:
        claimed = emails_send_pending()
        result.emailed += claimed
        if claimed < CLAIM_BATCH:
            break
    result.digests = digests_send(now=now)
    return result


# Calendar feeds ---------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def may_manage_unit_feed(user: Account, organisation: Organisation) -> bool:
    """Unit staff of the unit itself manage its calendar."""
    return Membership.objects.filter(user=user, organisation=organisation, role=Role.UNIT_STAFF).exists()


@transaction.atomic
def feed_create(*, user: Account, organisation: Organisation | None = None) -> tuple[CalendarFeed, str]:
    """A new secret feed for the user, or for their unit; the token is returned here and never again."""
    if organisation is not None and not may_manage_unit_feed(user, organisation):
        raise ReminderError(
            "Chỉ cán bộ của đơn vị được tạo lịch cho đơn vị.", message_en="Only the unit's staff may do this."
        )
    token = secrets.token_urlsafe(32)
    feed = CalendarFeed(
        owner_user=None if organisation is not None else user,
        owner_organisation=organisation,
        token_hash=token_hash(token),
        created_by=user,
    )
    feed.full_clean()
    feed.save()
    return feed, token


def feed_may_manage(feed: CalendarFeed, user: Account) -> bool:
    if feed.owner_user_id is not None:
        return feed.owner_user_id == user.pk
    return feed.owner_organisation is not None and may_manage_unit_feed(user, feed.owner_organisation)


@transaction.atomic
def feed_revoke(*, feed: CalendarFeed, user: Account) -> CalendarFeed:
    if not feed_may_manage(feed, user):
        raise ReminderError("Bạn không được thu hồi lịch này.", message_en="You may not revoke this feed.")
    feed = CalendarFeed.objects.select_for_update().get(pk=feed.pk)
    if feed.revoked_at is None:
        feed.revoked_at = timezone.now()
        feed.save(update_fields=["revoked_at"])
    return feed


def feed_touch(*, feed: CalendarFeed) -> None:
    """Record when a calendar app last fetched the feed, at most once an hour (apps poll often)."""
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > dt.timedelta(hours=1):
        CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=now)


def obstacle_answered_notify(*, obstacle_id: int, at: dt.datetime) -> list[Notification]:
    """Tell the reporting unit's staff that the leader answered their obstacle (after the commit).

    The key holds the answer's time, so answering again tells them again, while a repeated call
    for the same answer makes nothing.
    """
    return _notify_now(obstacle_answered(obstacle_id, at, timezone.localdate()))


def report_reviewed_notify(*, event_id: int) -> list[Notification]:
    """Tell the reporting unit's staff that their report was returned (with why) or accepted.

    Keyed by the review event, the same key the daily round uses for returns, so a following
    `nhiemvu remind` finds the notice made and sends nothing again.
    """
    return _notify_now(report_reviewed(event_id, timezone.localdate()))


def _notify_now(candidates: list[Candidate]) -> list[Notification]:
    """In-app at once, and e-mail at once to those who chose it; digest users get it in the digest.

    Called after the event's commit. A failing mail server must not turn the reviewer's
    completed action into an error page: the claim is given back and the next round retries.
    """
    created = notifications_create(candidates=candidates)
    immediate = [n.pk for n in created if n.email_mode == EmailMode.IMMEDIATE]
    if immediate:
        try:
            emails_send_pending(only=immediate)
        except Exception:
            log.exception("reminders: immediate e-mail for %s failed; the next round retries", immediate)
    return created
