from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Finding, Milestone, Plan, PlanTarget, SourceDocument, Target, Task


@admin.register(SourceDocument)
class SourceDocumentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "issuer_name", "issued_on"]
    list_filter = ["kind"]
    search_fields = ["number", "symbol", "title", "issuer_name"]
    autocomplete_fields = ["issuer"]
    # The imported file is downloaded from its plan's page (which checks who may read it); /media/
    # has no URL, so the admin shows its stored name only.
    exclude = ["file"]
    readonly_fields = ["stored_file", "content_hash"]

    @admin.display(description=_("Tệp gốc"))
    def stored_file(self, obj: SourceDocument) -> str:
        return obj.file.name or "—"


class TaskInline(admin.TabularInline):
    model = Task
    fields = ["code", "title", "lead_unit", "deadline", "order"]
    extra = 0
    show_change_link = True
    autocomplete_fields = ["lead_unit"]


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ["code", "task", "excerpt", "message", "status"]
    extra = 0


class PlanTargetInline(admin.TabularInline):
    model = PlanTarget
    fields = ["name", "unit", "comparator", "value", "max_value", "change", "lead_unit", "order"]
    extra = 0
    autocomplete_fields = ["lead_unit"]


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["title", "year", "issuer", "status"]
    list_filter = ["status", "year"]
    search_fields = ["title"]
    autocomplete_fields = ["issuer", "compiler", "source_document"]
    inlines = [TaskInline, PlanTargetInline, FindingInline]


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["name", "unit", "comparator", "value", "max_value", "baseline", "change", "order"]
    extra = 0


class MilestoneInline(admin.TabularInline):
    model = Milestone
    fields = ["due", "text", "value", "unit", "order"]
    extra = 0


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "plan", "lead_unit", "leader", "deadline"]
    list_filter = ["plan", "recurrence"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["plan", "parent", "leader", "lead_unit", "support_units", "implements"]
    inlines = [TargetInline, MilestoneInline]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["name", "task", "comparator", "value", "max_value", "unit"]
    list_filter = ["comparator", "change"]
    search_fields = ["name", "task__title"]
    autocomplete_fields = ["task"]
