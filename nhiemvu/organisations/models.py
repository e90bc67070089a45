"""Agencies, the officials who work in them and the roles users hold there."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel


class OrganisationKind(models.TextChoices):
    PROVINCE_COMMITTEE = "province_committee", _("UBND tỉnh")
    DEPARTMENT = "department", _("Sở, ban, ngành")
    SUB_DEPARTMENT = "sub_department", _("Chi cục")
    DIVISION = "division", _("Phòng")
    BOARD = "board", _("Ban quản lý")
    CENTRE = "centre", _("Trung tâm, đơn vị sự nghiệp")
    DISTRICT = "district", _("UBND cấp huyện")
    COMMUNE = "commune", _("UBND cấp xã")
    PARTY = "party", _("Cơ quan Đảng, đoàn thể")
    OTHER = "other", _("Khác")
    # A body a plan names (Công an tỉnh, a bank, VNPT, "các bệnh viện") that works with the agency
    # but is none of its units: recorded once so tasks can name it, never given staff or reports.
    EXTERNAL = "external", _("Cơ quan, tổ chức ngoài (phối hợp)")


class Organisation(TimeStampedModel):
    """A body in the province's tree: People's Committee → department → sub-department, division, board.

    `aliases` holds the other ways documents write the same name
    (`Sở NN&PTNT` for `Sở Nông nghiệp và Phát triển nông thôn`) so imports can match it.
    """

    parent = models.ForeignKey(
        "self",
        verbose_name=_("Trực thuộc"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(
        _("Loại"), max_length=32, choices=OrganisationKind.choices, default=OrganisationKind.OTHER
    )
    name = models.CharField(_("Tên đầy đủ"), max_length=255)
    short_name = models.CharField(_("Tên viết tắt"), max_length=80, blank=True)
    aliases = models.JSONField(_("Các tên gọi khác"), default=list, blank=True)
    email = models.EmailField(_("Thư điện tử"), blank=True)
    active_from = models.DateField(_("Hoạt động từ"), null=True, blank=True)
    dissolved_on = models.DateField(_("Giải thể/sáp nhập ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("cơ quan, đơn vị")
        verbose_name_plural = _("cơ quan, đơn vị")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="organisation_name_unique_under_parent",
                violation_error_message=_("Đã có một đơn vị cùng tên trực thuộc cơ quan này."),
            ),
            models.UniqueConstraint(
                fields=["name"],
                condition=Q(parent__isnull=True),
                name="organisation_root_name_unique",
                violation_error_message=_("Đã có một cơ quan cấp cao nhất cùng tên."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="organisation_not_its_own_parent",
                violation_error_message=_("Một đơn vị không thể trực thuộc chính nó."),
            ),
            models.CheckConstraint(
                condition=Q(active_from__isnull=True)
                | Q(dissolved_on__isnull=True)
                | Q(active_from__lte=F("dissolved_on")),
                name="organisation_active_before_dissolved",
                violation_error_message=_("Ngày giải thể phải sau ngày bắt đầu hoạt động."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        return self.short_name or self.name

    @property
    def all_names(self) -> list[str]:
        """Every name this body goes by, the full name first."""
        names = [self.name, self.short_name, *self.aliases]
        return [n for i, n in enumerate(names) if n and n not in names[:i]]


class SuccessionKind(models.TextChoices):
    RENAMED = "renamed", _("Đổi tên")
    MERGED = "merged", _("Hợp nhất, sáp nhập")
    SPLIT = "split", _("Chia tách")


class Succession(models.Model):
    """One organisation taken over by another on a date (the 2025 mergers, renamings).

    Old plans keep pointing at the old body; lists and dashboards follow the chain forward.
    """

    predecessor = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan cũ"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Organisation,
        verbose_name=_("Cơ quan kế thừa"),
        on_delete=models.CASCADE,
        related_name="predecessions",
    )
    kind = models.CharField(_("Hình thức"), max_length=16, choices=SuccessionKind.choices)
    effective_on = models.DateField(_("Có hiệu lực từ"))
    decision = models.CharField(_("Theo văn bản"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("kế thừa tổ chức")
        verbose_name_plural = _("kế thừa tổ chức")
        ordering = ["effective_on"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(predecessor=F("successor")),
                name="succession_distinct_bodies",
                violation_error_message=_("Cơ quan cũ và cơ quan kế thừa phải khác nhau."),
            ),
            models.UniqueConstraint(
                fields=["predecessor", "successor"],
                name="succession_unique_pair",
                violation_error_message=_("Quan hệ kế thừa này đã được ghi nhận."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class Official(TimeStampedModel):
    """A named person in an organisation (`Đồng chí Nguyễn Văn A, Phó Giám đốc Sở`); may have a login."""

    full_name = models.CharField(_("Họ và tên"), max_length=120)
    position = models.CharField(_("Chức vụ"), max_length=160, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan"), on_delete=models.PROTECT, related_name="officials"
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Tài khoản"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="official",
    )
    email = models.EmailField(_("Thư điện tử"), blank=True)
    phone = models.CharField(_("Điện thoại"), max_length=32, blank=True)
    is_active = models.BooleanField(_("Đang công tác"), default=True)

    class Meta:
        verbose_name = _("cán bộ")
        verbose_name_plural = _("cán bộ")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "full_name"],
                name="official_name_unique_in_organisation",
                violation_error_message=_("Cơ quan này đã có một cán bộ cùng họ tên."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name}, {self.position}" if self.position else self.full_name


class Role(models.TextChoices):
    DIRECTOR = "director", _("Giám đốc")
    DEPUTY_DIRECTOR = "deputy_director", _("Phó Giám đốc")
    PLANNING_FINANCE = "planning_finance", _("Phòng Kế hoạch – Tài chính")
    UNIT_STAFF = "unit_staff", _("Cán bộ đơn vị")
    PROVINCIAL_REVIEWER = "provincial_reviewer", _("Chuyên viên theo dõi cấp tỉnh")


class Membership(TimeStampedModel):
    """A user's role in an organisation; what they may see and do follows from these rows."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Tài khoản"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("Vai trò"), max_length=32, choices=Role.choices)
    starts_on = models.DateField(_("Từ ngày"), null=True, blank=True)
    ends_on = models.DateField(_("Đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("vai trò người dùng")
        verbose_name_plural = _("vai trò người dùng")
        ordering = ["organisation__name", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="membership_unique_role",
                violation_error_message=_("Người dùng đã có vai trò này ở cơ quan này."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="membership_starts_before_it_ends",
                violation_error_message=_("Ngày kết thúc phải sau ngày bắt đầu."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation}"
