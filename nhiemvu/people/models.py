"""Invitations: how a person added by Planning-Finance sets their own password."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Invitation(models.Model):
    """A link sent by e-mail to set a first password: expiring, used once, replaced by a new one.

    Only a hash of the link's token is stored, so a copy of the database opens no account.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Tài khoản"),
        on_delete=models.CASCADE,
        related_name="invitations",
    )
    token_hash = models.CharField(_("Mã băm của liên kết"), max_length=64, unique=True)
    email = models.EmailField(_("Gửi tới"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người mời"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("Gửi lúc"), auto_now_add=True)
    expires_at = models.DateTimeField(_("Hết hạn lúc"))
    used_at = models.DateTimeField(_("Đã dùng lúc"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("Thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("lời mời")
        verbose_name_plural = _("lời mời")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(used_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_user",
                violation_error_message=_("Người này đã có một lời mời đang chờ."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.created_at:%d/%m/%Y}"
