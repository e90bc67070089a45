"""A plan (kế hoạch), the document it came from, its tasks, targets, milestones and findings."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.organisations.models import Official, Organisation


class AmountOptions(TypedDict):
    max_digits: int
    decimal_places: int


# Every quantity in a plan or a report: up to 16 digits before the point, 4 after.
AMOUNT: AmountOptions = {"max_digits": 20, "decimal_places": 4}


class DocumentKind(models.TextChoices):
    """Document types of Decree 30/2020 (Appendix III), by their abbreviation."""

    PLAN = "KH", _("Kế hoạch")
    DECISION = "QĐ", _("Quyết định")
    RESOLUTION = "NQ", _("Nghị quyết")
    DIRECTIVE = "CT", _("Chỉ thị")
    REPORT = "BC", _("Báo cáo")
    NOTICE = "TB", _("Thông báo")
    OFFICIAL_LETTER = "CV", _("Công văn")
    PROGRAMME = "CTr", _("Chương trình")
    DECREE = "NĐ", _("Nghị định")
    CIRCULAR = "TT", _("Thông tư")
    CONCLUSION = "KL", _("Kết luận")
    OTHER = "", _("Khác")


def document_path(instance: SourceDocument, filename: str) -> str:
    """A random name keeping only the extension: the name the file came with is `file_name`."""
    suffix = PurePath(filename).suffix.lower()[:8]
    return f"documents/{dt.date.today():%Y}/{uuid.uuid4().hex}{suffix}"


class SourceDocument(TimeStampedModel):
    """An official document: a plan's own source file, or one a task cites (`231/KH-UBND`).

    `number` is the full registration number (`58/QĐ-UBND`), blank when the document left
    it blank; `symbol` is the part after the slash, kept even then.
    """

    kind = models.CharField(_("Loại văn bản"), max_length=8, choices=DocumentKind.choices, blank=True)
    number = models.CharField(_("Số, ký hiệu"), max_length=80, blank=True)
    symbol = models.CharField(_("Ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("Ngày ban hành"), null=True, blank=True)
    place = models.CharField(_("Địa danh"), max_length=80, blank=True)
    issuer = models.ForeignKey(
        Organisation,
        verbose_name=_("Cơ quan ban hành"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="documents",
    )
    issuer_name = models.CharField(
        _("Tên cơ quan ban hành (như ghi trên văn bản)"), max_length=255, blank=True
    )
    title = models.TextField(_("Trích yếu"), blank=True)
    file = models.FileField(_("Tệp gốc"), upload_to=document_path, blank=True)
    file_name = models.CharField(_("Tên tệp gốc"), max_length=255, blank=True)
    content_hash = models.CharField(_("Mã băm nội dung (SHA-256)"), max_length=64, blank=True, db_index=True)

    class Meta:
        verbose_name = _("văn bản")
        verbose_name_plural = _("văn bản")
        ordering = ["-issued_on", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["number", "issued_on"],
                condition=~Q(number=""),
                name="document_number_unique_per_date",
                violation_error_message=_("Đã có văn bản cùng số, ký hiệu và ngày ban hành."),
            ),
        ]

    def __str__(self) -> str:
        label = self.number or (f"Số: …/{self.symbol}" if self.symbol else str(_("văn bản chưa có số")))
        return f"{label} ngày {self.issued_on:%d/%m/%Y}" if self.issued_on else label


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    ACTIVE = "active", _("Đang thực hiện")
    CLOSED = "closed", _("Đã kết thúc")


class PlanKind(models.TextChoices):
    """What a plan row stands for: an annual key-task plan, or one directive or meeting conclusion
    whose tasks are tracked like a plan's (same periods, reports, reminders and dashboards)."""

    PLAN = "plan", _("Kế hoạch")
    DIRECTIVE = "directive", _("Văn bản chỉ đạo, kết luận")


class Frequency(models.TextChoices):
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    HALF_YEARLY = "half-yearly", _("6 tháng")
    YEARLY = "yearly", _("Hằng năm")


class Plan(TimeStampedModel):
    """A key-task plan (kế hoạch nhiệm vụ trọng tâm) for one year, as issued by an agency."""

    source_document = models.OneToOneField(
        SourceDocument,
        verbose_name=_("Văn bản"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan",
    )
    title = models.TextField(_("Tên kế hoạch"))
    kind = models.CharField(_("Loại"), max_length=16, choices=PlanKind.choices, default=PlanKind.PLAN)
    year = models.PositiveSmallIntegerField(_("Năm"))
    starts_on = models.DateField(_("Từ ngày"))
    ends_on = models.DateField(_("Đến ngày"))
    issuer = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan ban hành"), on_delete=models.PROTECT, related_name="plans"
    )
    compiler = models.ForeignKey(
        Organisation,
        verbose_name=_("Đơn vị tổng hợp"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="compiled_plans",
    )
    status = models.CharField(
        _("Trạng thái"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    reporting_frequencies = models.JSONField(_("Tần suất báo cáo"), default=list, blank=True)
    signer_name = models.CharField(_("Người ký"), max_length=120, blank=True)
    signer_title = models.CharField(_("Chức vụ người ký"), max_length=120, blank=True)
    recipients = models.JSONField(_("Nơi nhận"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người tạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-year", "title"]
        indexes = [
            models.Index(fields=["kind", "year"], name="plan_kind_year_idx"),
            # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
            models.Index(fields=["updated_at"], name="plan_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=PlanKind.values),
                name="plan_kind_known",
                violation_error_message=_("Loại kế hoạch không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="plan_year_plausible",
                violation_error_message=_("Năm kế hoạch phải trong khoảng 2000–2100."),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="plan_starts_before_it_ends",
                violation_error_message=_("Ngày bắt đầu kế hoạch phải trước ngày kết thúc."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.year})"

    def clean(self) -> None:
        unknown = [f for f in self.reporting_frequencies or [] if f not in Frequency.values]
        if unknown:
            raise ValidationError(
                {
                    "reporting_frequencies": _("Tần suất báo cáo không hợp lệ: %(v)s")
                    % {"v": ", ".join(map(str, unknown))}
                }
            )


class Recurrence(models.TextChoices):
    NONE = "", _("Không lặp lại")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")
    YEARLY = "yearly", _("Hằng năm")
    ONGOING = "ongoing", _("Thường xuyên")


class Task(TimeStampedModel):
    """A numbered task (nhiệm vụ) of a plan; sub-tasks point at their parent in the same plan."""

    plan = models.ForeignKey(Plan, verbose_name=_("Kế hoạch"), on_delete=models.CASCADE, related_name="tasks")
    parent = models.ForeignKey(
        "self",
        verbose_name=_("Nhiệm vụ cha"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="children",
    )
    code = models.CharField(_("Số thứ tự"), max_length=32)
    title = models.TextField(_("Nội dung nhiệm vụ"))
    description = models.TextField(_("Mô tả, giải pháp"), blank=True)
    leader = models.ForeignKey(
        Official,
        verbose_name=_("Lãnh đạo chỉ đạo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_tasks",
    )
    lead_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("Đơn vị chủ trì"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_tasks",
    )
    support_units = models.ManyToManyField(
        Organisation, verbose_name=_("Đơn vị phối hợp"), blank=True, related_name="supported_tasks"
    )
    deadline = models.DateField(_("Thời hạn hoàn thành"), null=True, blank=True)
    recurrence = models.CharField(
        _("Lặp lại"), max_length=16, choices=Recurrence.choices, blank=True, default=""
    )
    order = models.PositiveIntegerField(_("Thứ tự"), default=0)
    implements = models.ManyToManyField(
        SourceDocument, verbose_name=_("Thực hiện văn bản"), blank=True, related_name="implementing_tasks"
    )

    class Meta:
        verbose_name = _("nhiệm vụ")
        verbose_name_plural = _("nhiệm vụ")
        ordering = ["plan", "order"]
        indexes = [
            models.Index(fields=["plan", "order"], name="task_plan_order_idx"),
            # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
            models.Index(fields=["updated_at"], name="task_updated_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "code"],
                name="task_code_unique_in_plan",
                violation_error_message=_("Số thứ tự nhiệm vụ này đã có trong kế hoạch."),
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | ~Q(parent=F("pk")),
                name="task_not_its_own_parent",
                violation_error_message=_("Một nhiệm vụ không thể là nhiệm vụ cha của chính nó."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title}"

    @property
    def depth(self) -> int:
        return self.code.count(".")

    def clean(self) -> None:
        # SQL cannot express "the parent row has the same plan" without a composite key,
        # which Django's ORM lacks; model validation guards every write path (services
        # call full_clean, the admin validates forms).
        if self.parent_id is not None and self.parent is not None and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": _("Nhiệm vụ cha phải thuộc cùng kế hoạch.")})


class Comparator(models.TextChoices):
    EQ = "=", _("bằng (=)")
    GTE = ">=", _("từ … trở lên (≥)")
    GT = ">", _("trên (>)")
    LTE = "<=", _("không quá (≤)")
    LT = "<", _("dưới (<)")
    RANGE = "range", _("trong khoảng")


class Change(models.TextChoices):
    NONE = "", _("Giá trị tuyệt đối")
    INCREASE = "increase", _("Tăng")
    DECREASE = "decrease", _("Giảm")


class Quantity(TimeStampedModel):
    """What a target is, wherever it belongs: a name, a measure, a comparator and a value
    (`trên 1.000 ha`, `64,2% trở lên`, `5–7 doanh nghiệp`). A relative target (`giảm 10% so với
    năm 2023`) stores the change and its baseline."""

    name = models.CharField(_("Tên chỉ tiêu"), max_length=500)
    unit = models.CharField(_("Đơn vị tính"), max_length=80, blank=True)
    comparator = models.CharField(
        _("Phép so sánh"), max_length=8, choices=Comparator.choices, default=Comparator.EQ
    )
    value = models.DecimalField(_("Giá trị"), **AMOUNT)
    max_value = models.DecimalField(_("Giá trị tối đa"), null=True, blank=True, **AMOUNT)
    baseline = models.DecimalField(_("Giá trị gốc"), null=True, blank=True, **AMOUNT)
    change = models.CharField(
        _("Loại chỉ tiêu"), max_length=16, choices=Change.choices, blank=True, default=""
    )
    order = models.PositiveIntegerField(_("Thứ tự"), default=0)

    class Meta:
        abstract = True
        # "%(class)s": the task's targets keep the names "target_…" they always had.
        constraints = [
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="%(class)s_value_not_negative",
                violation_error_message=_("Giá trị chỉ tiêu không được âm."),
            ),
            models.CheckConstraint(
                condition=~Q(comparator="range") | Q(max_value__isnull=False, max_value__gt=F("value")),
                name="%(class)s_range_has_max_above_value",
                violation_error_message=_(
                    "Chỉ tiêu dạng khoảng cần giá trị tối đa lớn hơn giá trị tối thiểu."
                ),
            ),
            models.CheckConstraint(
                condition=Q(comparator="range") | Q(max_value__isnull=True),
                name="%(class)s_max_only_for_range",
                violation_error_message=_("Chỉ chỉ tiêu dạng khoảng mới có giá trị tối đa."),
            ),
            models.CheckConstraint(
                condition=Q(comparator__in=Comparator.values),
                name="%(class)s_comparator_known",
                violation_error_message=_("Phép so sánh không hợp lệ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.get_comparator_display()} {self.value} {self.unit}".strip()

    @property
    def value_display(self) -> Decimal:
        return self.value.normalize() if self.value is not None else self.value


class Target(Quantity):
    """A quantified result a task must reach (chỉ tiêu)."""

    task = models.ForeignKey(
        Task, verbose_name=_("Nhiệm vụ"), on_delete=models.CASCADE, related_name="targets"
    )

    class Meta(Quantity.Meta):
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        # By the task's id, not "task": that would follow Task's own ordering and join the task
        # and plan tables into every query of targets (prefetches included) just to sort them.
        ordering = ["task_id", "order"]
        # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
        indexes = [models.Index(fields=["updated_at"], name="target_updated_idx")]


class PlanTarget(Quantity):
    """A target of the plan as a whole, under no task: an item of its "Chỉ tiêu" list or a row of
    its "Danh mục các chỉ tiêu" annex, with the unit in charge where the row names one."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("Kế hoạch"), on_delete=models.CASCADE, related_name="plan_targets"
    )
    lead_unit = models.ForeignKey(
        Organisation,
        verbose_name=_("Đơn vị chủ trì"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_targets",
    )

    class Meta(Quantity.Meta):
        verbose_name = _("chỉ tiêu chung của kế hoạch")
        verbose_name_plural = _("chỉ tiêu chung của kế hoạch")
        ordering = ["plan_id", "order"]


class Milestone(TimeStampedModel):
    """A dated step inside a task (`trước 30/6/2023`, `quý II/2023`), with a quantity if it names one."""

    task = models.ForeignKey(
        Task, verbose_name=_("Nhiệm vụ"), on_delete=models.CASCADE, related_name="milestones"
    )
    due = models.DateField(_("Hạn"), null=True, blank=True)
    text = models.TextField(_("Nội dung"))
    value = models.DecimalField(_("Khối lượng"), null=True, blank=True, **AMOUNT)
    unit = models.CharField(_("Đơn vị tính"), max_length=80, blank=True)
    order = models.PositiveIntegerField(_("Thứ tự"), default=0)

    class Meta:
        verbose_name = _("mốc tiến độ")
        verbose_name_plural = _("mốc tiến độ")
        ordering = ["task_id", "order"]  # as Target: no join to sort
        # The dashboards' data stamp reads MAX(updated_at) (dashboards/caching.py).
        indexes = [models.Index(fields=["updated_at"], name="milestone_updated_idx")]
        constraints = [
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0),
                name="milestone_value_not_negative",
                violation_error_message=_("Khối lượng của mốc không được âm."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.due:%d/%m/%Y}: {self.text}" if self.due else self.text


FINDING_LABELS = {
    "blank_number": _("Số văn bản để trống"),
    "blank_date": _("Ngày ban hành chưa ghi đủ"),
    "year_mismatch": _("Năm không khớp với năm kế hoạch"),
    "arithmetic_mismatch": _("Các số liệu mâu thuẫn nhau"),
    "missing_lead_unit": _("Thiếu đơn vị chủ trì"),
    "missing_deadline": _("Thiếu thời hạn hoàn thành"),
    "missing_leader": _("Thiếu lãnh đạo chỉ đạo"),
    "deadline_after_plan": _("Thời hạn sau khi kế hoạch kết thúc"),
}


class FindingStatus(models.TextChoices):
    OPEN = "open", _("Chưa xử lý")
    ACCEPTED = "accepted", _("Đã ghi nhận")
    DISMISSED = "dismissed", _("Bỏ qua")


class Finding(TimeStampedModel):
    """A defect found in the plan document itself (blank number, a year typo, figures that disagree)."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("Kế hoạch"), on_delete=models.CASCADE, related_name="findings"
    )
    task = models.ForeignKey(
        Task,
        verbose_name=_("Nhiệm vụ"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="findings",
    )
    code = models.CharField(_("Mã"), max_length=40)
    excerpt = models.TextField(_("Trích đoạn"), blank=True)
    message = models.TextField(_("Nội dung"))
    status = models.CharField(
        _("Xử lý"), max_length=16, choices=FindingStatus.choices, default=FindingStatus.OPEN
    )

    class Meta:
        verbose_name = _("phát hiện trong văn bản")
        verbose_name_plural = _("phát hiện trong văn bản")
        ordering = ["plan", "id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"

    @property
    def label(self) -> str:
        """The finding in Vietnamese words; unknown codes (the list is open) show as they are."""
        return str(FINDING_LABELS.get(self.code, self.code))
