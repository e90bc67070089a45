"""Reads of the reminders app: a user's notifications, their feeds, and what a calendar feed shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import User as Account
from django.core.cache import cache
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _

from nhiemvu.organisations.models import Membership, Organisation, Role
from nhiemvu.organisations.selectors import User
from nhiemvu.plans.models import Milestone, Plan, PlanStatus, Task
from nhiemvu.plans.selectors import plans_visible_to, tasks_visible_to
from nhiemvu.reporting.models import ReportingPeriod
from nhiemvu.reporting.selectors import reporting_frequency

from .models import CalendarFeed, EmailMode, Notification, NotificationPreference
from .services import bell_key, token_hash


def unread_count(user: User) -> int:
    """The bell's figure. With a shared cache (BELL_CACHE_SECONDS > 0) it is kept there until the
    user's notifications change (services' `_bell_changed`): one query fewer on every page."""
    if not user.is_authenticated:
        return 0
    seconds = settings.BELL_CACHE_SECONDS
    count = cache.get(bell_key(user.pk)) if seconds > 0 else None
    if count is None:
        count = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        if seconds > 0:
            cache.set(bell_key(user.pk), count, seconds)
    return int(count)


def notifications_for(user: User) -> QuerySet[Notification]:
    """The user's own notifications, newest first; nobody sees anyone else's."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def notification_get(user: User, pk: int) -> Notification:
    return get_object_or_404(notifications_for(user), pk=pk)


def email_mode_of(user: Account) -> str:
    preference = NotificationPreference.objects.filter(user_id=user.pk).first()
    return preference.email if preference else EmailMode.IMMEDIATE


def units_of(user: Account) -> QuerySet[Organisation]:
    """Units whose calendar the user may manage: those where they are unit staff."""
    return (
        Organisation.objects.filter(memberships__user_id=user.pk, memberships__role=Role.UNIT_STAFF)
        .distinct()
        .order_by("name")
    )


def feeds_for(user: Account) -> QuerySet[CalendarFeed]:
    """The user's own feeds and their units' feeds, live and revoked."""
    unit_ids = Membership.objects.filter(user_id=user.pk, role=Role.UNIT_STAFF).values("organisation_id")
    return (
        CalendarFeed.objects.filter(Q(owner_user_id=user.pk) | Q(owner_organisation_id__in=unit_ids))
        .select_related("owner_user", "owner_organisation", "created_by")
        .order_by("revoked_at", "-created_at")
    )


def feed_get(user: Account, pk: int) -> CalendarFeed:
    return get_object_or_404(feeds_for(user), pk=pk)


def feed_by_token(token: str) -> CalendarFeed:
    """The live feed a secret token opens; unknown, revoked or an inactive owner is a 404."""
    return get_object_or_404(
        CalendarFeed.objects.select_related("owner_user", "owner_organisation").filter(
            Q(owner_user__isnull=True) | Q(owner_user__is_active=True), revoked_at__isnull=True
        ),
        token_hash=token_hash(token),
    )


@dataclass(frozen=True)
class CalendarEvent:
    """One all-day entry of a feed; `uid` is stable so calendar apps update instead of duplicating."""

    uid: str
    day: dt.date
    summary: str
    description: str
    url: str
    stamp: dt.datetime


def _plan_line(plan: Plan) -> str:
    return _("Kế hoạch: %(plan)s") % {"plan": plan.title}


def _report_events(plans: QuerySet[Plan]) -> list[CalendarEvent]:
    events = []
    for plan in plans.order_by("pk"):
        periods = ReportingPeriod.objects.filter(plan=plan, frequency=reporting_frequency(plan)).order_by(
            "due_on"
        )
        for period in periods:
            events.append(
                CalendarEvent(
                    uid=f"report-due-{period.pk}@nhiemvu",
                    day=period.due_on,
                    summary=_("Hạn gửi báo cáo %(period)s") % {"period": period.label},
                    description=_plan_line(plan)
                    + "\n"
                    + _("Kỳ báo cáo %(period)s: số liệu từ %(start)s đến %(end)s; hạn gửi %(due)s.")
                    % {
                        "period": period.label,
                        "start": f"{period.starts_on:%d/%m/%Y}",
                        "end": f"{period.ends_on:%d/%m/%Y}",
                        "due": f"{period.due_on:%d/%m/%Y}",
                    },
                    url=reverse("reporting:submissions", args=[period.pk]),
                    stamp=period.updated_at,
                )
            )
    return events


def _task_events(tasks: QuerySet[Task]) -> list[CalendarEvent]:
    tasks = tasks.select_related("plan", "lead_unit").order_by("plan_id", "order")
    events = []
    for task in tasks:
        if task.deadline is None:
            continue
        events.append(
            CalendarEvent(
                uid=f"task-deadline-{task.pk}@nhiemvu",
                day=task.deadline,
                summary=(
                    _("Hạn hoàn thành nhiệm vụ %(code)s: %(title)s")
                    % {"code": task.code, "title": task.title}
                )[:250],
                description=_plan_line(task.plan)
                + "\n"
                + _("Đơn vị chủ trì: %(unit)s") % {"unit": task.lead_unit or "—"},
                url=reverse("reporting:task-detail", args=[task.pk]),
                stamp=task.updated_at,
            )
        )
    milestones = (
        Milestone.objects.filter(task__in=tasks, due__isnull=False)
        .select_related("task", "task__plan")
        .order_by("due", "task__order", "order")
    )
    for milestone in milestones:
        task = milestone.task
        events.append(
            CalendarEvent(
                uid=f"milestone-{milestone.pk}@nhiemvu",
                day=milestone.due,  # type: ignore[arg-type]  # the query keeps dated milestones only
                summary=(
                    _("Mốc tiến độ nhiệm vụ %(code)s: %(text)s") % {"code": task.code, "text": milestone.text}
                )[:250],
                description=f"{task.code}. {task.title}\n{_plan_line(task.plan)}",
                url=reverse("reporting:task-detail", args=[task.pk]),
                stamp=milestone.updated_at,
            )
        )
    return events


def feed_events(feed: CalendarFeed) -> list[CalendarEvent]:
    """A user's feed: send-by dates of the plans they see, dates of the tasks they see.

    A unit's feed: send-by dates of the plans in which it leads a task, and that task's dates.
    Only active plans: a draft may still change and a closed one is history.
    """
    if feed.owner_user is not None:
        user: Account = feed.owner_user
        plans = plans_visible_to(user).filter(status=PlanStatus.ACTIVE)
        tasks = tasks_visible_to(user).filter(plan__status=PlanStatus.ACTIVE)
    else:
        tasks = Task.objects.filter(lead_unit=feed.owner_organisation, plan__status=PlanStatus.ACTIVE)
        plans = Plan.objects.filter(pk__in=tasks.values("plan_id"))
    events = _report_events(plans) + _task_events(tasks)
    return sorted(events, key=lambda e: (e.day, e.uid))


def feed_name(feed: CalendarFeed) -> str:
    if feed.owner_user is not None:
        owner = feed.owner_user.get_full_name() or feed.owner_user.get_username()
    else:
        owner = str(feed.owner_organisation)
    return f"nhiemvu · {owner}"
