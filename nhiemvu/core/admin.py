"""People in the admin: Django's user pages, plus ending every session of a compromised account."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import UserSession
from .sessions import sessions_end


@admin.action(description=gettext_lazy("Đăng xuất mọi phiên (tài khoản có thể đã bị lộ)"))
def sign_out_everywhere(modeladmin: Any, request: HttpRequest, queryset: QuerySet[User]) -> None:
    ended = sum(sessions_end(user) for user in queryset)
    messages.success(request, _("Đã kết thúc %(count)s phiên đăng nhập.") % {"count": ended})


class PersonAdmin(UserAdmin):
    actions = [sign_out_everywhere]


admin.site.unregister(User)
admin.site.register(User, PersonAdmin)


@admin.register(UserSession)
class UserSessionAdmin(admin.ModelAdmin):
    """Who is signed in where; read-only (end them with the action on the user list)."""

    list_display = ["user", "ip", "user_agent", "created_at", "last_seen"]
    search_fields = ["user__username", "ip"]
    readonly_fields = ["user", "session_key", "ip", "user_agent", "created_at", "last_seen"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
