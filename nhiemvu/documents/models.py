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
