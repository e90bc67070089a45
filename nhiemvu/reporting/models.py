"""The reporting cycle: periods, the units' progress reports, their figures, obstacles, review history."""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.lib.vnnumbers import format_vn
from nhiemvu.organisations.models import Organisation
from nhiemvu.plans.models import AMOUNT, Frequency, Milestone, Plan, Target, Task


class HolidayKind(models.TextChoices):
    HOLIDAY = "holiday", _("Nghỉ lễ, Tết")
    COMPENSATORY = "compensatory", _("Nghỉ bù")
    SWAPPED = "swapped", _("Nghỉ hoán đổi")


class Holiday(models.Model):
    """A day off (Tết, 30/4, 2/9, a compensatory or swapped day) that moves report send-by dates.

    A year's days are first the computed baseline (`nhiemvu.lib.vnholidays`), then what the
    administrator keeps in line with the Government's announcement (`HolidayYear`).
    """

    day = models.DateField(_("Ngày"), unique=True)
    name = models.CharField(_("Tên ngày nghỉ"), max_length=120)
    kind = models.CharField(
        _("Loại ngày nghỉ"), max_length=16, choices=HolidayKind.choices, default=HolidayKind.HOLIDAY
    )

    class Meta:
        verbose_name = _("ngày nghỉ lễ, Tết")
        verbose_name_plural = _("ngày nghỉ lễ, Tết")
        ordering = ["day"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=HolidayKind.values),
                name="holiday_kind_known",
                violation_error_message=_("Loại ngày nghỉ không hợp lệ."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} — {self.name}"


class MakeUpWorkday(models.Model):
    """A Saturday (or Sunday) worked in exchange for a swapped day off (Saturday 4/5/2024 for Monday 29/4)."""

    day = models.DateField(_("Ngày làm việc bù"), unique=True)
    name = models.CharField(_("Ghi chú"), max_length=120)

    class Meta:
        verbose_name = _("ngày làm việc bù")
        verbose_name_plural = _("ngày làm việc bù")
        ordering = ["day"]

    def __str__(self) -> str:
        return f"{self.day:%d/%m/%Y} — {self.name}"


class HolidayYear(models.Model):
    """A year of the holiday table: computed, and whether it was checked against the Government's announcement."""

    year = models.PositiveSmallIntegerField(_("Năm"), unique=True)
    confirmed_at = models.DateTimeField(_("Xác nhận lúc"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    source = models.CharField(
        _("Văn bản thông báo"), max_length=200, blank=True, help_text=_("Ví dụ: Thông báo 6150/TB-LĐTBXH")
    )

    class Meta:
        verbose_name = _("năm nghỉ lễ, Tết")
        verbose_name_plural = _("năm nghỉ lễ, Tết")
        ordering = ["year"]
        constraints = [
            # The lunar holidays are computed from a table of 1901–2100.
            models.CheckConstraint(
                condition=Q(year__gte=1901, year__lte=2100),
                name="holiday_year_in_lunar_table",
                violation_error_message=_("Chỉ tính được ngày nghỉ lễ, Tết cho các năm 1901–2100."),
            ),
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True) | ~Q(source=""),
                name="holiday_year_confirmed_with_source",
                violation_error_message=_("Xác nhận phải ghi số văn bản thông báo của Chính phủ."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None


class ReportingCalendar(TimeStampedModel):
    """How a plan's periods fall due: the send-by date is N working days after each cut-off."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("Kế hoạch"), on_delete=models.CASCADE, related_name="reporting_calendar"
    )
    due_working_days = models.PositiveSmallIntegerField(
        _("Hạn gửi (số ngày làm việc sau ngày chốt số liệu)"), default=2
    )

    class Meta:
        verbose_name = _("lịch báo cáo")
        verbose_name_plural = _("lịch báo cáo")
        constraints = [
            models.CheckConstraint(
                condition=Q(due_working_days__lte=30),
                name="calendar_due_within_30_working_days",
                violation_error_message=_(
                    "Hạn gửi báo cáo không quá 30 ngày làm việc sau ngày chốt số liệu."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.plan}: +{self.due_working_days}"


class ReportingPeriod(TimeStampedModel):
    """One period a plan is reported on (`Quý II/2023`: 15/3–14/6/2023, due 16/6/2023)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("Kế hoạch"), on_delete=models.CASCADE, related_name="periods"
    )
    frequency = models.CharField(_("Loại kỳ"), max_length=16, choices=Frequency.choices)
    key = models.CharField(_("Mã kỳ"), max_length=16)
    label = models.CharField(_("Kỳ báo cáo"), max_length=60)
    starts_on = models.DateField(_("Từ ngày"))
    ends_on = models.DateField(_("Đến ngày (chốt số liệu)"))
    due_on = models.DateField(_("Hạn gửi báo cáo"))
    locked_at = models.DateTimeField(_("Khóa lúc"), null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người khóa"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kỳ báo cáo")
        verbose_name_plural = _("kỳ báo cáo")
        ordering = ["plan", "ends_on", "starts_on"]
        # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
        indexes = [models.Index(fields=["updated_at"], name="period_updated_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "key"],
                name="period_key_unique_in_plan",
                violation_error_message=_("Kế hoạch đã có kỳ báo cáo này."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="period_starts_before_it_ends",
                violation_error_message=_("Ngày bắt đầu kỳ phải trước ngày chốt số liệu."),
            ),
            models.CheckConstraint(
                condition=Q(due_on__gte=F("ends_on")),
                name="period_due_after_cut_off",
                violation_error_message=_("Hạn gửi báo cáo không được trước ngày chốt số liệu."),
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def is_locked(self) -> bool:
        return self.locked_at is not None


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Đang soạn")
    SUBMITTED = "submitted", _("Đã gửi")
    RETURNED = "returned", _("Bị trả lại")
    ACCEPTED = "accepted", _("Đã chấp nhận")


OPEN_STATUSES = (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED)
# A unit has sent its report: what reminders and "my tasks" stop chasing (not "done": see status.DONE).
SENT_STATUSES = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


class ProgressReport(TimeStampedModel):
    """A unit's report on one task for one period: figures, narrative, obstacles, proposals.

    The lead unit's report is the task's report; a support unit adds its contribution in its own
    row. Once accepted a report is frozen: a correction is a new version pointing at it.
    """

    task = models.ForeignKey(
        Task, verbose_name=_("Nhiệm vụ"), on_delete=models.CASCADE, related_name="reports"
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name=_("Kỳ báo cáo"), on_delete=models.CASCADE, related_name="reports"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Đơn vị báo cáo"),
        on_delete=models.PROTECT,
        related_name="progress_reports",
    )
    is_lead = models.BooleanField(_("Báo cáo của đơn vị chủ trì"), default=True)
    version = models.PositiveSmallIntegerField(_("Lần"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("Đính chính báo cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    percent_done = models.DecimalField(
        _("Khối lượng hoàn thành (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    completed_on = models.DateField(_("Hoàn thành nhiệm vụ ngày"), null=True, blank=True)
    narrative = models.TextField(_("Kết quả thực hiện"), blank=True)
    proposals = models.TextField(_("Đề xuất, kiến nghị"), blank=True)
    milestones_met = models.ManyToManyField(
        Milestone, verbose_name=_("Mốc đã đạt"), blank=True, related_name="met_in"
    )
    # Bumped on every save; a form posts the revision it was rendered with, so a stale save is refused.
    revision = models.PositiveIntegerField(_("Phiên bản chỉnh sửa"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người lập"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("Gửi lúc"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("Duyệt lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["period__ends_on", "task__order", "-is_lead", "version"]
        indexes = [
            models.Index(fields=["period", "status"], name="report_period_status_idx"),
            # Years of history (bench/growth.py): the dashboards and the period report read each
            # task's accepted lead reports, a tenth of the table after ten years, and ask of every
            # report whether a correction replaced it. These keep both reads to this year's rows.
            models.Index(
                fields=["task", "period", "version"],
                condition=Q(is_lead=True, status="accepted"),
                name="report_lead_accepted_idx",
            ),
            models.Index(
                fields=["supersedes"], condition=Q(supersedes__isnull=False), name="report_superseding_idx"
            ),
            # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
            models.Index(fields=["updated_at"], name="report_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["task", "period", "organisation", "version"],
                name="report_one_per_task_period_unit_version",
                violation_error_message=_("Đơn vị đã có báo cáo lần này cho nhiệm vụ trong kỳ."),
            ),
            models.UniqueConstraint(
                fields=["task", "period", "organisation"],
                condition=Q(status__in=["draft", "submitted", "returned"]),
                name="report_one_open_per_task_period_unit",
                violation_error_message=_("Đơn vị đang có một báo cáo chưa duyệt cho nhiệm vụ trong kỳ."),
            ),
            models.CheckConstraint(
                condition=Q(percent_done__isnull=True) | Q(percent_done__gte=0, percent_done__lte=100),
                name="report_percent_between_0_and_100",
                violation_error_message=_("Tỷ lệ hoàn thành phải từ 0 đến 100%%."),
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="report_version_from_1",
                violation_error_message=_("Số lần báo cáo bắt đầu từ 1."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "accepted"]),
                name="report_status_known",
                violation_error_message=_("Trạng thái báo cáo không hợp lệ."),
            ),
        ]

    def __str__(self) -> str:
        return _("%(code)s · %(period)s · %(organisation)s (lần %(version)s)") % {
            "code": self.task.code,
            "period": self.period,
            "organisation": self.organisation,
            "version": self.version,
        }

    @property
    def is_editable(self) -> bool:
        return self.status in (ReportStatus.DRAFT, ReportStatus.RETURNED)


class TargetValue(models.Model):
    """The cumulative actual of one target to date, in the target's unit, and an optional year-end estimate."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("Báo cáo"), on_delete=models.CASCADE, related_name="values"
    )
    target = models.ForeignKey(
        Target, verbose_name=_("Chỉ tiêu"), on_delete=models.CASCADE, related_name="values"
    )
    actual = models.DecimalField(_("Lũy kế thực hiện"), null=True, blank=True, **AMOUNT)
    estimate = models.DecimalField(_("Ước cả năm"), null=True, blank=True, **AMOUNT)

    class Meta:
        verbose_name = _("số liệu chỉ tiêu")
        verbose_name_plural = _("số liệu chỉ tiêu")
        ordering = ["target__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "target"],
                name="target_value_one_per_report",
                violation_error_message=_("Chỉ tiêu này đã có số liệu trong báo cáo."),
            ),
            models.CheckConstraint(
                condition=(Q(actual__isnull=True) | Q(actual__gte=0))
                & (Q(estimate__isnull=True) | Q(estimate__gte=0)),
                name="reported_value_not_negative",
                violation_error_message=_("Số liệu thực hiện không được âm."),
            ),
        ]

    def __str__(self) -> str:
        figure = format_vn(self.actual) if self.actual is not None else _("chưa có số liệu")
        return f"{self.target.name}: {figure}"


class ObstacleStatus(models.TextChoices):
    OPEN = "open", _("Chờ xử lý")
    ANSWERED = "answered", _("Đã có ý kiến chỉ đạo")
    RESOLVED = "resolved", _("Đã tháo gỡ")


class Obstacle(TimeStampedModel):
    """A difficulty (khó khăn, vướng mắc) a unit reports: what blocks it, what it needs and from whom."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("Báo cáo"), on_delete=models.CASCADE, related_name="obstacles"
    )
    description = models.TextField(_("Khó khăn, vướng mắc"))
    needs = models.TextField(_("Cần hỗ trợ gì"), blank=True)
    addressed_to = models.CharField(_("Đề nghị cơ quan, người giải quyết"), max_length=255, blank=True)
    status = models.CharField(
        _("Xử lý"), max_length=16, choices=ObstacleStatus.choices, default=ObstacleStatus.OPEN
    )
    answer = models.TextField(_("Ý kiến chỉ đạo"), blank=True)
    answered_at = models.DateTimeField(_("Trả lời lúc"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người cho ý kiến"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("khó khăn, vướng mắc")
        verbose_name_plural = _("khó khăn, vướng mắc")
        ordering = ["report", "id"]
        # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
        indexes = [models.Index(fields=["updated_at"], name="obstacle_updated_idx")]

    def __str__(self) -> str:
        return self.description[:80]


def attachment_path(instance: Attachment, filename: str) -> str:
    """A random name under the report's folder, keeping only the checked extension: nothing the
    user typed reaches the file system (the name they gave is `original_name`)."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"reports/{instance.report.period.plan_id}/{instance.report_id}/{uuid.uuid4().hex}{suffix}"


class Attachment(TimeStampedModel):
    """A file a unit attaches to its report (minutes, photos, spreadsheets); its type is checked by content."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("Báo cáo"), on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField(_("Tệp"), upload_to=attachment_path)
    original_name = models.CharField(_("Tên tệp"), max_length=255)
    content_type = models.CharField(_("Loại tệp"), max_length=100)
    size = models.PositiveIntegerField(_("Dung lượng (byte)"))

    class Meta:
        verbose_name = _("tệp đính kèm")
        verbose_name_plural = _("tệp đính kèm")
        ordering = ["report", "id"]

    def __str__(self) -> str:
        return self.original_name


class ReviewEvent(models.Model):
    """One transition of a report (who, when, from, to, comment); never edited, only added."""

    report = models.ForeignKey(
        ProgressReport, verbose_name=_("Báo cáo"), on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người thực hiện"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("Thời điểm"))
    from_status = models.CharField(
        _("Từ trạng thái"), max_length=16, choices=ReportStatus.choices, blank=True
    )
    to_status = models.CharField(_("Sang trạng thái"), max_length=16, choices=ReportStatus.choices)
    comment = models.TextField(_("Ý kiến"), blank=True)

    class Meta:
        verbose_name = _("lịch sử xử lý báo cáo")
        verbose_name_plural = _("lịch sử xử lý báo cáo")
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} {self.from_status or '—'} → {self.to_status}"
