"""The staging area of the plan import: an extracted plan waiting for a person's review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.organisations.models import Organisation
from nhiemvu.plans.models import Plan, PlanKind


class ImportStatus(models.TextChoices):
    PROCESSING = "processing", _("Đang đọc tệp")
    FAILED = "failed", _("Không đọc được")
    PENDING = "pending", _("Chờ xem xét")
    COMMITTED = "committed", _("Đã nhập")
    DISCARDED = "discarded", _("Đã hủy")


class ImportSession(TimeStampedModel):
    """One uploaded plan file, its extracted plan JSON and what became of it.

    A file read quickly (a .docx, a PDF with text) is staged PENDING at once. A scan, a .doc or an
    .xlsx that needs LibreOffice is staged PROCESSING and read by a background job (`nhiemvu
    worker`), which reports its progress page by page and ends PENDING, or FAILED with the reason.

    The file's bytes are kept here (not in media storage) until the import is committed:
    an abandoned upload then leaves no file behind, and the commit stores the file once,
    on the plan's SourceDocument.
    """

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Người tải lên"), on_delete=models.CASCADE, related_name="+"
    )
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan ban hành"), on_delete=models.CASCADE, related_name="+"
    )
    file_name = models.CharField(_("Tên tệp"), max_length=255)
    # Chosen on upload: a directive or meeting conclusion becomes a plan of that kind on commit.
    plan_kind = models.CharField(
        _("Loại văn bản"), max_length=16, choices=PlanKind.choices, default=PlanKind.PLAN
    )
    file_bytes = models.BinaryField(_("Nội dung tệp"), editable=False)
    content_hash = models.CharField(_("Mã băm nội dung (SHA-256)"), max_length=64, db_index=True)
    plan_json = models.JSONField(_("Kế hoạch trích xuất"), default=dict, blank=True)
    source_text = models.TextField(_("Văn bản nguồn"), blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.PENDING
    )
    progress_done = models.PositiveIntegerField(_("Số trang đã đọc"), default=0)
    progress_total = models.PositiveIntegerField(_("Tổng số trang"), default=0)
    failure = models.JSONField(_("Lý do không đọc được"), default=dict, blank=True)
    # Pages read from their picture (OCR): confidence per page and the words to check.
    ocr_pages = models.JSONField(_("Trang nhận dạng chữ"), default=list, blank=True)
    plan = models.ForeignKey(
        Plan,
        verbose_name=_("Kế hoạch đã nhập"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lượt nhập kế hoạch")
        verbose_name_plural = _("lượt nhập kế hoạch")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ImportStatus.values),
                name="import_session_status_known",
                violation_error_message=_("Trạng thái lượt nhập không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=~Q(content_hash=""),
                name="import_session_has_content_hash",
                violation_error_message=_("Lượt nhập phải có mã băm của tệp."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
