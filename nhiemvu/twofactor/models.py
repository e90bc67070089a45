"""An agency's rule on who must sign in with a second factor (the devices are django-otp's own)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from nhiemvu.core.models import TimeStampedModel
from nhiemvu.organisations.models import Organisation, Role

# What the policy page proposes to an agency that has none yet: the people who approve plans and
# accept reports, whose accounts are the ones worth stealing.
SUGGESTED_ROLES = (Role.DIRECTOR, Role.DEPUTY_DIRECTOR, Role.PLANNING_FINANCE)
# The roles held inside an agency (a provincial reviewer's membership is in the province, above it).
AGENCY_ROLES = tuple(role for role in Role if role != Role.PROVINCIAL_REVIEWER)


class TwoFactorPolicy(TimeStampedModel):
    """One agency's (a department-level body's) list of roles whose holders must use two-factor sign-in.

    It applies to the agency's members and those of its units holding one of `roles`; an agency
    without a row requires nobody.
    """

    agency = models.ForeignKey(
        Organisation, verbose_name=_("Cơ quan"), on_delete=models.CASCADE, related_name="+"
    )
    roles = models.JSONField(_("Vai trò bắt buộc xác thực hai lớp"), default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Người cập nhật"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("chính sách xác thực hai lớp")
        verbose_name_plural = _("chính sách xác thực hai lớp")
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                name="twofactor_policy_one_per_agency",
                violation_error_message=_("Cơ quan này đã có chính sách xác thực hai lớp."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {', '.join(self.role_labels) or '—'}"

    @property
    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [str(labels.get(role, role)) for role in self.roles]
