"""The roadmap (lộ trình triển khai) a lead unit draws up for its task: dated steps, who does each,
and when it was done. Section III of a plan asks each lead unit for one; the plan itself only
gives the task's deadline and milestones."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.organisations.models import Official
from nhiemvu.plans.models import Task

# Dates typed by hand: `30/6/225` parses as the year 225. A roadmap's dates fall in these years.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)


class StepStatus(models.TextChoices):
    DONE = "done", _("Đã hoàn thành")
    OVERDUE = "overdue", _("Quá hạn")
    UPCOMING = "upcoming", _("Chưa đến hạn")


class RoadmapStep(TimeStampedModel):
    """One step of a lead unit's roadmap for a task: what will be done, by when, by whom, and when it was.

    `order` keeps the steps in the order the unit entered them where two fall due the same day;
    it is given by `step_create`, one more than the task's last.
    """

    task = models.ForeignKey(
        Task, verbose_name=_("Nhiệm vụ"), on_delete=models.CASCADE, related_name="roadmap_steps"
    )
    order = models.PositiveIntegerField(_("Thứ tự"), default=1)
    title = models.TextField(_("Nội dung công việc"))
    due = models.DateField(_("Thời hạn"))
    responsible = models.ForeignKey(
        Official,
        verbose_name=_("Cán bộ phụ trách"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="roadmap_steps",
    )
    done_on = models.DateField(_("Ngày hoàn thành"), null=True, blank=True)
    note = models.TextField(_("Ghi chú"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bước lộ trình")
        verbose_name_plural = _("các bước lộ trình")
        ordering = ["task_id", "due", "order"]
        indexes = [
            # The reminder round looks for open steps falling due across every active plan.
            models.Index(fields=["due"], condition=Q(done_on__isnull=True), name="roadmap_step_open_due_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "order"],
                name="roadmap_step_order_unique_in_task",
                violation_error_message=_("Thứ tự bước này đã có trong lộ trình của nhiệm vụ."),
            ),
            models.CheckConstraint(
                condition=~Q(title=""),
                name="roadmap_step_title_not_blank",
                violation_error_message=_("Hãy ghi nội dung công việc của bước."),
            ),
            models.CheckConstraint(
                condition=Q(due__gte=EARLIEST, due__lte=LATEST),
                name="roadmap_step_due_plausible",
                violation_error_message=_("Thời hạn phải trong khoảng năm 2000 đến năm 2100."),
            ),
            models.CheckConstraint(
                condition=Q(done_on__isnull=True) | Q(done_on__gte=EARLIEST, done_on__lte=LATEST),
                name="roadmap_step_done_on_plausible",
                violation_error_message=_("Ngày hoàn thành phải trong khoảng năm 2000 đến năm 2100."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due:%d/%m/%Y}: {self.title}"

    @property
    def is_done(self) -> bool:
        return self.done_on is not None

    def status_on(self, day: dt.date) -> StepStatus:
        """Done once a date of completion is recorded; overdue the day after its due date; else upcoming."""
        if self.done_on is not None:
            return StepStatus.DONE
        return StepStatus.OVERDUE if self.due < day else StepStatus.UPCOMING

    def days_late_on(self, day: dt.date) -> int:
        """How many days past its due date the step was done (or, undone, is on `day`); 0 if on time."""
        end = self.done_on or day
        return max((end - self.due).days, 0)
