"""The reporting models in the admin: holidays and calendars are kept here; reports are only looked at.

Reports are written by units and reviewed by Planning-Finance through the services (drafts with
conflict detection, the workflow table, one ReviewEvent per move). The admin writing a report or
its status would bypass all of that, so reports, their figures and their history are read-only
here for everyone, superusers included. Staff who are not superusers see only what
`tasks_visible_to` lets them see; anything else is a 404, as on the site.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.errors import DomainError
from nhiemvu.plans.selectors import plans_visible_to, tasks_visible_to

from . import services
from .models import (
    Attachment,
    Holiday,
    HolidayYear,
    MakeUpWorkday,
    Obstacle,
    ProgressReport,
    ReportingCalendar,
    ReportingPeriod,
    ReviewEvent,
    TargetValue,
)
from .selectors import working_calendar


class VisibleOnlyMixin:
    """Limit a staff user's admin to the rows the site would show them; an unseen ID is a 404."""

    visible_path: str = "task"  # the lookup from the model to its Task, or to its Plan
    visible_kind: str = "task"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs: QuerySet[Any] = super().get_queryset(request)  # type: ignore[misc]  # mixed into a ModelAdmin
        if request.user.is_superuser:
            return qs
        if self.visible_kind == "plan":
            return qs.filter(**{f"{self.visible_path}__in": plans_visible_to(request.user)})
        return qs.filter(**{f"{self.visible_path}__in": tasks_visible_to(request.user)})

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Django's admin redirects to its index for a missing object, which tells a curious
        # user that the ID exists elsewhere; the site's rule is a plain 404.
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]  # mixed into a ModelAdmin
        if obj is None:
            raise Http404
        return obj


class ReadOnlyInline(admin.TabularInline):
    """Rows that belong to a report: shown with it, never added, changed or deleted here."""

    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class NationalCalendarAdmin(admin.ModelAdmin):
    """The holiday table is national: only superusers change it (the page /reporting/holidays/
    is the usual way); staff given the permission read it. A change re-dates open periods."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser or (obj is None and super().has_change_permission(request))

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return request.user.is_superuser

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = working_calendar()
        old = type(obj).objects.filter(pk=obj.pk).values_list("day", flat=True).first() if change else None
        super().save_model(request, obj, form, change)
        days = [obj.day] + ([old] if old else [])
        services.periods_redate(before=before, first=min(days), last=max(days))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        before = working_calendar()
        super().delete_model(request, obj)
        services.periods_redate(before=before, first=obj.day, last=obj.day)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        days = list(queryset.values_list("day", flat=True))
        before = working_calendar()
        super().delete_queryset(request, queryset)
        if days:
            services.periods_redate(before=before, first=min(days), last=max(days))


@admin.register(Holiday)
class HolidayAdmin(NationalCalendarAdmin):
    list_display = ["day", "name", "kind"]
    list_display_links = ["day"]
    list_filter = ["kind"]
    date_hierarchy = "day"
    search_fields = ["name"]


@admin.register(MakeUpWorkday)
class MakeUpWorkdayAdmin(NationalCalendarAdmin):
    list_display = ["day", "name"]
    date_hierarchy = "day"


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "confirmed_at", "confirmed_by", "source"]
    readonly_fields = ["year", "confirmed_at", "confirmed_by", "source"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReportingCalendar)
class ReportingCalendarAdmin(VisibleOnlyMixin, admin.ModelAdmin):
    visible_path = "plan"
    visible_kind = "plan"
    list_display = ["plan", "due_working_days", "updated_at"]
    list_select_related = ["plan"]
    search_fields = ["plan__title"]
    autocomplete_fields = ["plan"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None) -> list[str]:
        return ["plan"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: ReportingCalendar, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        # A new send-by rule must re-date the plan's periods, which only the service does.
        services.periods_generate(plan=obj.plan, due_working_days=obj.due_working_days)


class LockedFilter(admin.SimpleListFilter):
    title = _("khóa")
    parameter_name = "locked"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("yes", _("Đã khóa")), ("no", _("Đang mở"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "yes":
            return queryset.filter(locked_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(locked_at__isnull=True)
        return queryset


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(VisibleOnlyMixin, admin.ModelAdmin):
    visible_path = "plan"
    visible_kind = "plan"
    list_display = ["label", "plan", "frequency", "starts_on", "ends_on", "due_on", "locked", "locked_at"]
    list_filter = [("plan", admin.RelatedOnlyFieldListFilter), "frequency", LockedFilter]
    list_select_related = ["plan"]
    search_fields = ["label", "key", "plan__title"]
    # Periods come from the plan's calendar (Decree 09/2019 cut-offs) and locks from the services.
    readonly_fields = ["plan", "frequency", "key", "locked_at", "locked_by"]
    actions = ["lock_periods", "unlock_periods"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.display(description=_("Đã khóa"), boolean=True)
    def locked(self, obj: ReportingPeriod) -> bool:
        return obj.is_locked

    @admin.action(description=_("Khóa các kỳ đã chọn"), permissions=["change"])
    def lock_periods(self, request: HttpRequest, queryset: QuerySet[ReportingPeriod]) -> None:
        self._each(request, queryset, services.period_lock, _("Đã khóa %(n)d kỳ."))

    @admin.action(description=_("Mở khóa các kỳ đã chọn"), permissions=["change"])
    def unlock_periods(self, request: HttpRequest, queryset: QuerySet[ReportingPeriod]) -> None:
        self._each(request, queryset, services.period_unlock, _("Đã mở khóa %(n)d kỳ."))

    def _each(
        self, request: HttpRequest, queryset: QuerySet[ReportingPeriod], service: Any, done: Any
    ) -> None:
        count = 0
        for period in queryset.select_related("plan"):
            try:
                service(period=period, user=request.user)
                count += 1
            except DomainError as exc:
                self.message_user(request, f"{period.label}: {exc.localized_message}", messages.ERROR)
        self.message_user(request, done % {"n": count}, messages.SUCCESS)


class TargetValueInline(ReadOnlyInline):
    model = TargetValue
    fields = readonly_fields = ("target", "actual", "estimate")


class ObstacleInline(ReadOnlyInline):
    model = Obstacle
    fields = readonly_fields = ("description", "needs", "addressed_to", "status", "answer", "answered_at")


class AttachmentInline(ReadOnlyInline):
    model = Attachment
    fields = readonly_fields = ("download", "content_type", "size", "created_at")

    @admin.display(description=_("Tệp"))
    def download(self, obj: Attachment) -> str:
        # Through the site's download view, which checks who may read the report.
        return format_html('<a href="{}">{}</a>', reverse("reporting:attachment", args=[obj.pk]), obj)


class ReviewEventInline(ReadOnlyInline):
    model = ReviewEvent
    fields = readonly_fields = ("at", "actor", "from_status", "to_status", "comment")


# Moves between statuses go through the workflow table in the services, never through a field.
TRANSITION_FIELDS = ["status", "revision", "submitted_at", "reviewed_at", "version", "supersedes"]


@admin.register(ProgressReport)
class ProgressReportAdmin(VisibleOnlyMixin, admin.ModelAdmin):
    list_display = ["task", "period", "organisation", "version", "status", "submitted_at", "reviewed_at"]
    list_filter = [
        "status",
        "is_lead",
        ("period__plan", admin.RelatedOnlyFieldListFilter),
        ("period", admin.RelatedOnlyFieldListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["task", "period", "organisation"]
    search_fields = ["task__code", "task__title", "organisation__name", "narrative"]
    readonly_fields = [
        "task",
        "period",
        "organisation",
        "is_lead",
        *TRANSITION_FIELDS,
        "percent_done",
        "completed_on",
        "narrative",
        "proposals",
        "milestones_met",
        "created_by",
    ]
    inlines = [TargetValueInline, ObstacleInline, AttachmentInline, ReviewEventInline]

    # Reports are written by units and reviewed by Planning-Finance through the services; the
    # admin only shows them. This holds for superusers too: an accepted report is never changed.
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ReviewEvent)
class ReviewEventAdmin(VisibleOnlyMixin, admin.ModelAdmin):
    """The review history: added by the services one move at a time, never edited or removed."""

    visible_path = "report__task"
    list_display = ["at", "report", "actor", "from_status", "to_status", "comment"]
    list_filter = ["to_status"]
    list_select_related = ["report__task", "report__period", "report__organisation", "actor"]
    search_fields = ["report__task__code", "comment"]
    readonly_fields = ["report", "actor", "at", "from_status", "to_status", "comment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
