"""The chain province → agency: which agency task carries out which task the province assigned.

A province's decision on every agency's key tasks (QĐ 58/QĐ-UBND and its kind) is stored as a plan
like any other, issued by the People's Committee; its tasks' lead units are the agencies. An agency's
own plan breaks its share down; a `TaskLink` says that one of its tasks implements one of the
province's. Links are many-to-many both ways: one provincial task may be carried by several agency
tasks (of one agency or of several), and one agency task may serve two provincial tasks.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.plans.models import Task


class TaskLink(TimeStampedModel):
    """An agency's task that carries out (a share of) a task the province assigned to the agency."""

    provincial_task = models.ForeignKey(
        Task,
        verbose_name=_("Nhiệm vụ tỉnh giao"),
        on_delete=models.CASCADE,
        related_name="agency_links",
    )
    agency_task = models.ForeignKey(
        Task,
        verbose_name=_("Nhiệm vụ của cơ quan"),
        on_delete=models.CASCADE,
        related_name="provincial_links",
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người liên kết"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("liên kết nhiệm vụ tỉnh giao")
        verbose_name_plural = _("liên kết nhiệm vụ tỉnh giao")
        ordering = ["provincial_task_id", "agency_task_id"]
        # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
        indexes = [models.Index(fields=["updated_at"], name="tasklink_updated_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["provincial_task", "agency_task"],
                name="tasklink_unique_pair",
                violation_error_message=_("Hai nhiệm vụ này đã được liên kết."),
            ),
            models.CheckConstraint(
                condition=~Q(provincial_task=F("agency_task")),
                name="tasklink_distinct_tasks",
                violation_error_message=_("Một nhiệm vụ không thể thực hiện chính nó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency_task_id} → {self.provincial_task_id}"
