from __future__ import annotations

from django.contrib import admin

from .models import RoadmapStep


@admin.register(RoadmapStep)
class RoadmapStepAdmin(admin.ModelAdmin):
    """Read in the admin; the unit writes its roadmap on the task page, through the services."""

    list_display = ["task", "due", "title", "responsible", "done_on"]
    list_select_related = ["task", "responsible"]
    search_fields = ["title", "task__title", "task__code"]
    date_hierarchy = "due"

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False
