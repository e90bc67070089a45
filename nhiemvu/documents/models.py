"""An agency's own Word templates for the reports it issues (issue 17): the wording around the
figures, the letterhead, recipients and signature are the agency's; the body is generated."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.organisations.models import Organisation


class TemplateKind(models.TextChoices):
    PERIOD = "period", _("Báo cáo kỳ của cơ quan")
    UNIT = "unit", _("Báo cáo của đơn vị")


class ReportTemplate(TimeStampedModel):
    """The .docx template an agency uploaded for one kind of report; none means the default.

    The file is kept in the database (a few dozen KB), so every app server reads the same one
    without shared storage; replacing it is one row update, so the previous template stays in
    force until a new one has passed validation."""

    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan"), on_delete=models.CASCADE, related_name="report_templates"
    )
    kind = models.CharField(_("Loại báo cáo"), max_length=16, choices=TemplateKind.choices)
    content = models.BinaryField(_("Tệp mẫu"))
    original_name = models.CharField(_("Tên tệp"), max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người tải lên"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mẫu báo cáo")
        verbose_name_plural = _("mẫu báo cáo")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind"], name="one_report_template_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.organisation} — {self.get_kind_display()}"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    DONE = "done", _("Đã xong")
    FAILED = "failed", _("Không tạo được")


class ReportJob(TimeStampedModel):
    """A report built by the background worker (a PDF through LibreOffice, a province-sized
    export): who asked, for what, and the file once it is ready. The file is kept in the database
    as a template is, so any app server can hand it over; the worker drops it after REPORT_JOB_DAYS."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Người yêu cầu"), on_delete=models.CASCADE, related_name="+"
    )
    # The request as the page received it: {"period": pk} or {"province": key, "plans": [pk, ...]}.
    request = models.JSONField(_("Yêu cầu"))
    fmt = models.CharField(_("Định dạng"), max_length=8)
    status = models.CharField(
        _("Trạng thái"), max_length=8, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    filename = models.CharField(_("Tên tệp"), max_length=255, blank=True)
    content = models.BinaryField(_("Tệp"), null=True, blank=True, editable=False)
    failure = models.JSONField(_("Lý do"), default=dict, blank=True)

    class Meta:
        verbose_name = _("báo cáo chạy nền")
        verbose_name_plural = _("báo cáo chạy nền")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=JobStatus.values),
                name="report_job_status_known",
                violation_error_message=_("Trạng thái không hợp lệ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.filename or self.fmt} ({self.get_status_display()})"
