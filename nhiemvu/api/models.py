"""Per-user API tokens: what a province's own system presents instead of a password."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TokenScope(models.TextChoices):
    READ = "read", _("Chỉ đọc")
    WRITE = "write", _("Đọc và ghi")


class ApiToken(models.Model):
    """A secret a user makes for one system (`Hệ thống quản lý văn bản`), read-only or read-write.

    The token reads `nv_<prefix>_<secret>`. Only the SHA-256 of the whole token is stored: a
    leaked database holds no working token, and the token is shown once, when it is made.
    `prefix` is public and finds the row without comparing hashes across the table.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người dùng"),
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(_("Tên (dùng cho hệ thống nào)"), max_length=100)
    prefix = models.CharField(_("Tiền tố"), max_length=16)
    token_hash = models.CharField(_("Mã băm của khóa (SHA-256)"), max_length=64)
    scope = models.CharField(_("Quyền"), max_length=8, choices=TokenScope.choices, default=TokenScope.READ)
    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("Dùng lần cuối"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("khóa API")
        verbose_name_plural = _("khóa API")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["prefix"],
                name="api_token_prefix_unique",
                violation_error_message=_("Tiền tố khóa API bị trùng."),
            ),
            models.UniqueConstraint(
                fields=["token_hash"],
                name="api_token_hash_unique",
                violation_error_message=_("Khóa API bị trùng."),
            ),
            models.CheckConstraint(
                condition=Q(scope__in=["read", "write"]),
                name="api_token_scope_known",
                violation_error_message=_("Quyền của khóa API không hợp lệ."),
            ),
            models.CheckConstraint(
                condition=Q(revoked_at__isnull=True) | Q(revoked_at__gte=F("created_at")),
                name="api_token_revoked_after_created",
                violation_error_message=_("Khóa API không thể bị thu hồi trước khi được tạo."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (nv_{self.prefix}_…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def may_write(self) -> bool:
        return self.scope == TokenScope.WRITE
