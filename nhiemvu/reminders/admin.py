from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CalendarFeed, DigestEmail, Notification, NotificationPreference, ReminderPolicy


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "plan",
        "is_enabled",
        "report_days_before",
        "deadline_days_before",
        "obstacle_working_days",
    ]
    list_filter = ["is_enabled"]
    list_select_related = ["plan"]
    search_fields = ["plan__title"]
    raw_id_fields = ["plan"]


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Read-only: notifications are a record of what was said; rules make them, not people."""

    list_display = ["created_at", "recipient", "kind", "subject", "read_at", "email_mode", "emailed_at"]
    list_filter = ["kind", "email_mode", "created_at"]
    list_select_related = ["recipient"]
    search_fields = ["subject", "dedup_key", "recipient__username"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = ["user", "email"]
    list_filter = ["email"]
    raw_id_fields = ["user"]


@admin.register(DigestEmail)
class DigestEmailAdmin(admin.ModelAdmin):
    list_display = ["day", "recipient", "notification_count", "sent_at"]
    list_select_related = ["recipient"]
    date_hierarchy = "day"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.action(description=_("Thu hồi các lịch đã chọn"))
def revoke(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[CalendarFeed]) -> None:
    queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    """No token here: only its hash is stored, and the hash opens nothing."""

    list_display = ["__str__", "created_by", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["owner_user", "owner_organisation", "created_by"]
    list_filter = ["revoked_at"]
    readonly_fields = ["token_hash", "created_at", "last_used_at", "created_by"]
    actions = [revoke]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
