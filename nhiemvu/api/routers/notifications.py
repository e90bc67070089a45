"""The token user's own notifications and their read marks."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router

from nhiemvu.reminders import selectors, services
from nhiemvu.reminders.models import Notification

from ..pagination import paginate
from ..schemas import CountOut, Id, NotificationFilter, NotificationOut, Page
from .common import READ_ERRORS, WRITE_ERRORS, ApiRequest

router = Router(tags=["notifications"])


def _out(n: Notification) -> dict[str, Any]:
    return {
        "id": n.pk,
        "kind": n.kind,
        "subject": n.subject,
        "body": n.body,
        "url": n.url,
        "created_at": n.created_at,
        "read_at": n.read_at,
    }


@router.get("/notifications", response={200: Page[NotificationOut], **READ_ERRORS})
def notification_list(request: ApiRequest, filters: Query[NotificationFilter]) -> dict[str, Any]:
    notifications = selectors.notifications_for(request.user)
    notifications = filters.filter(notifications)
    return paginate(request, notifications, filters, lambda rows: [_out(n) for n in rows])


@router.post("/notifications/{notification_id}/read", response={200: NotificationOut, **WRITE_ERRORS})
def notification_read(request: ApiRequest, notification_id: Id) -> dict[str, Any]:
    notification = selectors.notification_get(request.user, notification_id)
    return _out(services.notification_mark_read(notification=notification, user=request.user))


@router.post("/notifications/read-all", response={200: CountOut, **WRITE_ERRORS})
def notification_read_all(request: ApiRequest) -> dict[str, Any]:
    return {"count": services.notifications_mark_all_read(user=request.user)}
