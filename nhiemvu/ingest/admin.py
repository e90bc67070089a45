from __future__ import annotations

from django.contrib import admin

from .models import ImportSession


@admin.register(ImportSession)
class ImportSessionAdmin(admin.ModelAdmin):
    list_display = ["file_name", "issuer", "created_by", "status", "plan", "created_at"]
    list_filter = ["status"]
    search_fields = ["file_name", "content_hash"]
    list_select_related = ["issuer", "created_by", "plan"]
    readonly_fields = [
        "created_by",
        "issuer",
        "file_name",
        "content_hash",
        "plan_json",
        "source_text",
        "plan",
        "status",
    ]
    exclude = ["file_bytes"]
