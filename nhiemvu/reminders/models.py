"""Reminders (đôn đốc): per-plan rules, in-app notifications, e-mail preferences, digests, calendar feeds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.organisations.models import Organisation
from nhiemvu.plans.models import Plan


class ReminderPolicy(models.Model):
    """How early and how late a plan's reminders fire; a plan without a row uses the defaults."""

    plan = models.OneToOneField(
        Plan, verbose_name=_("Kế hoạch"), on_delete=models.CASCADE, related_name="reminder_policy"
    )
    is_enabled = models.BooleanField(_("Gửi nhắc việc"), default=True)
    report_days_before = models.PositiveSmallIntegerField(_("Nhắc trước hạn gửi báo cáo (ngày)"), default=3)
    deadline_days_before = models.PositiveSmallIntegerField(
        _("Nhắc trước mốc tiến độ, thời hạn nhiệm vụ (ngày)"), default=7
    )
    obstacle_working_days = models.PositiveSmallIntegerField(
        _("Báo lãnh đạo khi vướng mắc chờ ý kiến quá (ngày làm việc)"), default=5
    )

    class Meta:
        verbose_name = _("quy tắc nhắc việc")
        verbose_name_plural = _("quy tắc nhắc việc")
        constraints = [
            models.CheckConstraint(
                condition=Q(report_days_before__lte=60, deadline_days_before__lte=90),
                name="reminder_policy_days_plausible",
                violation_error_message=_(
                    "Số ngày nhắc trước không quá 60 ngày (báo cáo) và 90 ngày (mốc, thời hạn)."
                ),
            ),
            models.CheckConstraint(
                condition=Q(obstacle_working_days__gte=1, obstacle_working_days__lte=60),
                name="reminder_policy_obstacle_days_plausible",
                violation_error_message=_("Thời gian chờ ý kiến chỉ đạo phải từ 1 đến 60 ngày làm việc."),
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.plan}: {self.report_days_before}/{self.deadline_days_before}/{self.obstacle_working_days}"
        )


class NotificationKind(models.TextChoices):
    REPORT_DUE_SOON = "report_due_soon", _("Sắp đến hạn gửi báo cáo")
    REPORT_DUE_TODAY = "report_due_today", _("Hôm nay là hạn gửi báo cáo")
    REPORT_OVERDUE = "report_overdue", _("Quá hạn gửi báo cáo")
    REPORT_RETURNED = "report_returned", _("Báo cáo bị trả lại")
    REPORT_ACCEPTED = "report_accepted", _("Báo cáo đã được chấp nhận")
    MILESTONE_DUE_SOON = "milestone_due_soon", _("Sắp đến mốc tiến độ")
    MILESTONE_OVERDUE = "milestone_overdue", _("Quá mốc tiến độ")
    DEADLINE_DUE_SOON = "deadline_due_soon", _("Sắp đến thời hạn nhiệm vụ")
    DEADLINE_OVERDUE = "deadline_overdue", _("Quá thời hạn nhiệm vụ")
    OBSTACLE_ESCALATION = "obstacle_escalation", _("Vướng mắc chờ ý kiến chỉ đạo")
    UNIT_LATE_TWICE = "unit_late_twice", _("Đơn vị chậm báo cáo hai kỳ liên tiếp")
    OBSTACLE_ANSWERED = "obstacle_answered", _("Đã có ý kiến chỉ đạo về vướng mắc")
    ROADMAP_STEP_DUE_SOON = "roadmap_step_due_soon", _("Sắp đến hạn một bước lộ trình")
    ROADMAP_STEP_OVERDUE = "roadmap_step_overdue", _("Quá hạn một bước lộ trình")
    PROVINCIAL_TASK_UNTAKEN = "provincial_task_untaken", _("Nhiệm vụ tỉnh giao chưa được triển khai")


class EmailMode(models.TextChoices):
    IMMEDIATE = "immediate", _("Gửi thư ngay")
    DIGEST = "digest", _("Gộp thành một thư mỗi ngày")
    OFF = "off", _("Không gửi thư")


class NotificationPreference(models.Model):
    """How a user wants notifications by e-mail; a user without a row gets them immediately."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người dùng"),
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.CharField(
        _("Nhận thư điện tử"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )

    class Meta:
        verbose_name = _("cách nhận thông báo")
        verbose_name_plural = _("cách nhận thông báo")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__in=["immediate", "digest", "off"]),
                name="notification_preference_email_known",
                violation_error_message=_("Cách nhận thư không hợp lệ."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_email_display()}"


class Notification(models.Model):
    """One thing one user was told, once: the in-app row is the record, the e-mail follows it.

    `dedup_key` says what and when (`report_due:3d:period=12:task=5`); the unique constraint
    on (recipient, dedup_key) is what makes reruns and concurrent workers harmless.
    `email_mode` is the user's preference when the row was made, so changing it later does not
    send old notifications; `emailed_at` is set when a worker claims the e-mail.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người nhận"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("Loại"), max_length=32, choices=NotificationKind.choices)
    dedup_key = models.CharField(_("Khóa chống trùng"), max_length=200)
    subject = models.CharField(_("Tiêu đề"), max_length=255)
    body = models.TextField(_("Nội dung"))
    url = models.CharField(_("Đường dẫn"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    read_at = models.DateTimeField(_("Đã đọc lúc"), null=True, blank=True)
    email_mode = models.CharField(
        _("Gửi thư"), max_length=16, choices=EmailMode.choices, default=EmailMode.IMMEDIATE
    )
    emailed_at = models.DateTimeField(_("Đã gửi thư lúc"), null=True, blank=True)
    email_attempts = models.PositiveSmallIntegerField(_("Số lần gửi thư lỗi"), default=0)

    class Meta:
        verbose_name = _("thông báo")
        verbose_name_plural = _("thông báo")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread_idx"),
            models.Index(
                fields=["email_mode", "id"],
                condition=Q(emailed_at__isnull=True) & ~Q(email_mode="off"),
                name="notification_email_pending_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedup_key"],
                name="notification_once_per_recipient_and_key",
                violation_error_message=_("Người dùng đã nhận thông báo này."),
            ),
            models.CheckConstraint(
                condition=Q(email_mode__in=["immediate", "digest", "off"]),
                name="notification_email_mode_known",
                violation_error_message=_("Cách gửi thư không hợp lệ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.subject}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class DigestEmail(models.Model):
    """The daily digest sent to one user on one day; its uniqueness is what keeps it to one."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người nhận"),
        on_delete=models.CASCADE,
        related_name="digest_emails",
    )
    day = models.DateField(_("Ngày"))
    sent_at = models.DateTimeField(_("Gửi lúc"), auto_now_add=True)
    notification_count = models.PositiveIntegerField(_("Số thông báo"), default=0)

    class Meta:
        verbose_name = _("thư tổng hợp hằng ngày")
        verbose_name_plural = _("thư tổng hợp hằng ngày")
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "day"],
                name="digest_once_per_recipient_and_day",
                violation_error_message=_("Đã gửi thư tổng hợp trong ngày cho người dùng này."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.day:%d/%m/%Y}"


class CalendarFeed(models.Model):
    """A secret iCalendar address for a user or a unit.

    Only the SHA-256 of the token is stored: a leaked database does not leak working calendar
    addresses, and the address is shown once, when it is made. Lost it? Revoke and make another.
    """

    owner_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Của người dùng"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    owner_organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("Của đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_feeds",
    )
    token_hash = models.CharField(_("Mã băm của khóa bí mật (SHA-256)"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người tạo"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("Thu hồi lúc"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("Truy cập lần cuối"), null=True, blank=True)

    class Meta:
        verbose_name = _("lịch iCalendar")
        verbose_name_plural = _("lịch iCalendar")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=False, owner_organisation__isnull=True)
                | Q(owner_user__isnull=True, owner_organisation__isnull=False),
                name="calendar_feed_has_one_owner",
                violation_error_message=_("Lịch thuộc về đúng một người dùng hoặc một đơn vị."),
            )
        ]

    def __str__(self) -> str:
        owner = self.owner_user or self.owner_organisation
        return f"{_('Lịch của')} {owner}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
