"""What the province's directory granted: the memberships a sign-in brought in, kept apart from
those given by hand in nhiemvu, which the directory never touches."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.organisations.models import Organisation, Role


class DirectorySource(models.TextChoices):
    LDAP = "ldap", _("LDAP / Active Directory")
    OIDC = "oidc", _("OpenID Connect")


class DirectoryGrant(TimeStampedModel):
    """A role the directory gave a person (their group is mapped to it), while `ended_at` is empty.

    The Membership row itself is what grants access; this one says the directory made it, so the
    next sign-in may end it when the group is gone. Ended grants stay as the history of who held
    what through the directory, and when it ended.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Tài khoản"),
        on_delete=models.CASCADE,
        related_name="directory_grants",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan"), on_delete=models.CASCADE, related_name="directory_grants"
    )
    role = models.CharField(_("Vai trò"), max_length=32, choices=Role.choices)
    source = models.CharField(_("Nguồn"), max_length=8, choices=DirectorySource.choices)
    group = models.CharField(_("Nhóm trong danh bạ"), max_length=500)
    ended_at = models.DateTimeField(_("Kết thúc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("vai trò do danh bạ cấp")
        verbose_name_plural = _("vai trò do danh bạ cấp")
        ordering = ["user", "organisation__name", "role", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                condition=Q(ended_at__isnull=True),
                name="directory_grant_one_open_per_role",
                violation_error_message=_("Danh bạ đã cấp vai trò này ở cơ quan này cho người dùng."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.organisation} ({self.group})"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None
