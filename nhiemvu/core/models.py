"""Abstract bases shared by the apps, and the registry of signed-in sessions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Records when a row was created and last changed."""

    created_at = models.DateTimeField(_("Tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("Cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class UserSession(models.Model):
    """One signed-in session of a person: what the account page lists and "sign out everywhere" ends.

    The session itself lives in Django's store; this row says whose it is, so ending a person's
    sessions is one indexed lookup instead of decoding every session in the table.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("Người dùng"), on_delete=models.CASCADE, related_name="+"
    )
    session_key = models.CharField(_("Mã phiên"), max_length=40, unique=True)
    ip = models.GenericIPAddressField(_("Địa chỉ IP"), null=True, blank=True)
    user_agent = models.CharField(_("Trình duyệt"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("Đăng nhập lúc"), auto_now_add=True)
    last_seen = models.DateTimeField(_("Hoạt động gần nhất"), auto_now_add=True)

    class Meta:
        verbose_name = _("phiên đăng nhập")
        verbose_name_plural = _("phiên đăng nhập")
        indexes = [models.Index(fields=["user", "-last_seen"], name="usersession_user_seen")]

    def __str__(self) -> str:
        return f"{self.user} · {self.created_at:%d/%m/%Y %H:%M}"

    @property
    def browser(self) -> str:
        """A short name for the browser and system, enough to tell one's own devices apart."""
        agent = self.user_agent
        name = next(
            (label for key, label in (("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
                                      ("Safari/", "Safari")) if key in agent),
            "",
        )  # fmt: skip
        system = next(
            (label for key, label in (("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"),
                                      ("Mac OS", "macOS"), ("Linux", "Linux")) if key in agent),
            "",
        )  # fmt: skip
        return " · ".join(part for part in (name, system) if part) or agent[:60] or "—"
