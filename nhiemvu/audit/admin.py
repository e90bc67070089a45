"""The audit trail in the admin: readable by superusers, writable by no one."""

from __future__ import annotations

from typing import Any

from auditlog.admin import LogEntryAdmin
from django.contrib import admin
from django.http import HttpRequest

from .models import AuditEntry

if admin.site.is_registered(AuditEntry):
    admin.site.unregister(AuditEntry)


@admin.register(AuditEntry)
class AuditEntryAdmin(LogEntryAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
