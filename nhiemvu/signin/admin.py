from __future__ import annotations

from django.contrib import admin

from .models import DirectoryGrant


@admin.register(DirectoryGrant)
class DirectoryGrantAdmin(admin.ModelAdmin):
    """Read-only: grants follow the directory at each sign-in, not edits here."""

    list_display = ["user", "organisation", "role", "source", "group", "created_at", "ended_at"]
    list_filter = ["source", "role"]
    search_fields = ["user__username", "group", "organisation__name"]

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
